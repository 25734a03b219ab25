package io.labflow.workflows.interpreter;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Workflow#await(Duration, Supplier)} with a summary on its timer, so the Web UI shows what
 * the timer is for instead of an unlabelled id.
 *
 * <p>It issues exactly the commands {@code Workflow.await(Duration, Supplier)} issues in SDK 1.38
 * (one StartTimer, never cancelled when the condition comes first), so histories recorded before
 * replay unchanged and no event is added.
 */
final class LabeledTimer {

  private LabeledTimer() {}

  /**
   * Like {@link #await}, but cancels the timer when the condition comes first, so the Web UI does
   * not show a wait that is over as pending (one more event, TimerCanceled).
   */
  static boolean cancellable(Duration timeout, String summary, Supplier<Boolean> condition) {
    List<Promise<Void>> timer = new ArrayList<>(1);
    CancellationScope scope =
        Workflow.newCancellationScope(() -> timer.add(labeled(timeout, summary)));
    scope.run();
    Workflow.await(() -> timer.get(0).isCompleted() || condition.get());
    boolean held = !timer.get(0).isCompleted();
    if (held) {
      // Read the timer's CanceledFailure: unread, the SDK logs it with a stack trace at each close
      // of a run whose handlers still run (a teardown by Update).
      timer.get(0).exceptionally(canceled -> null);
      scope.cancel("the wait is over");
    }
    return held;
  }

  /** Waits until the condition holds or the duration passes; true when the condition held. */
  static boolean await(Duration timeout, String summary, Supplier<Boolean> condition) {
    Promise<Void> timer = labeled(timeout, summary);
    Workflow.await(() -> timer.isCompleted() || condition.get());
    return !timer.isCompleted();
  }

  private static Promise<Void> labeled(Duration timeout, String summary) {
    return Workflow.newTimer(timeout, TimerOptions.newBuilder().setSummary(summary).build());
  }
}
