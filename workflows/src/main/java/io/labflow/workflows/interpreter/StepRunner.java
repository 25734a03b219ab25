package io.labflow.workflows.interpreter;

import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.Step;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.slf4j.Logger;

/**
 * Runs steps. A list runs in order, and a step that fails rolls the lab back, or pauses for an
 * operator, as its failure policy says (a rollback ends in a thrown failure). One step of either
 * kind runs once: an action as one activity call (its undo registered first), a parallel group as
 * its branches at once; it returns how it failed, or null. A cancellation is thrown.
 */
final class StepRunner {

  private static final Logger log = Workflow.getLogger(StepRunner.class);

  private final LabRun run;
  private final Rollback rollback;
  private final List<Promise<?>> inFlight = new ArrayList<>();

  StepRunner(LabRun run, Rollback rollback) {
    this.run = run;
    this.rollback = rollback;
  }

  void run(List<Step> steps, LabState phase) {
    for (Step step : steps) {
      runUntilDone(step, phase);
    }
  }

  /**
   * Runs steps in order once, with no pause or rollback (a learner task's solve or adopt steps);
   * returns the first failure's sentence, or null.
   */
  String runOnce(List<Step> steps) {
    run.ledger.addPending(steps);
    for (Step step : steps) {
      StepFailure failure = execute(step);
      if (failure != null) {
        run.stepFailed(failure.head());
        return failure.head();
      }
    }
    return null;
  }

  /** Runs a step or a group until it is done or skipped. */
  private void runUntilDone(Step step, LabState phase) {
    while (true) {
      StepFailure failure = execute(step);
      if (failure == null) {
        return;
      }
      run.stepFailed(failure.head());
      Decision next = Decision.ROLLBACK;
      String note = "";
      if (run.onFailure(step) == OnFailure.PAUSE) {
        next = pause(step.id(), phase);
        if (next == null) {
          next = Decision.ROLLBACK;
          note = " (no decision within the pause timeout of "
              + Durations.format(run.definition().defaults().pauseTimeout()) + ")";
        }
      }
      switch (next) {
        case RETRY -> log.info("lab {}: retrying step {}", run.labId(), step.id());
        case SKIP -> {
          skip(step);
          return;
        }
        case ROLLBACK -> throw rollback.afterStepFailed(failure.head() + note, failure.refused());
      }
    }
  }

  /**
   * Waits, durably, for an operator to retry, skip or roll back the failed step; returns null when
   * the pause timed out.
   */
  private Decision pause(String stepId, LabState phase) {
    Duration timeout = run.definition().defaults().pauseTimeout();
    long now = Workflow.currentTimeMillis();
    run.pause(stepId, timeout == null ? null : Summaries.at(now, timeout));
    boolean decided = true;
    if (timeout == null) {
      Workflow.await(() -> run.decision() != null);
    } else {
      String summary = Summaries.pause(stepId, now, timeout);
      // Labs that paused before the timer was cancelled replay without the cancellation.
      decided = Workflow.getVersion("cancel-pause-timer", Workflow.DEFAULT_VERSION, 1)
              == Workflow.DEFAULT_VERSION
          ? LabeledTimer.await(timeout, summary, () -> run.decision() != null)
          : LabeledTimer.cancellable(timeout, summary, () -> run.decision() != null);
    }
    return run.unpause(decided, phase);
  }

  /** Skips an action, or the branches of a group that are not done. */
  private void skip(Step step) {
    for (ActionStep leaf : Step.actions(List.of(step))) {
      if (step instanceof ActionStep || run.ledger.state(leaf.id()) != StepState.DONE) {
        run.ledger.skipped(leaf.id());
      }
    }
    log.info("lab {}: step {} skipped by the operator", run.labId(), step.id());
  }

  private StepFailure execute(Step step) {
    return step instanceof ParallelGroup group ? execute(group) : execute((ActionStep) step);
  }

  /** Whether no branch of any group is still running (a cancelled lab waits for this). */
  boolean settled() {
    return allCompleted(inFlight);
  }

  private StepFailure execute(ActionStep step) {
    failIfCancelled();
    StepLedger ledger = run.ledger;
    Map<String, Object> input;
    try {
      input = run.evaluate(step.with());
    } catch (ExpressionException e) {
      String message = "InvalidInput: " + e.getMessage();
      ledger.failed(step.id(), 0, message);
      return new StepFailure(step.id(), step.action(), message, false);
    }
    rollback.register(step);
    ledger.running(step.id());
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> outputs =
          Workflow.newUntypedActivityStub(
                  StepOptions.forStep(step, Summaries.call(step.id(), input)))
              .execute(step.action(), Map.class, input);
      int attempt =
          outputs != null && outputs.remove(LabWorkflow.ATTEMPT_KEY) instanceof Number n
              ? Math.max(1, n.intValue())
              : 1;
      ledger.done(step.id(), outputs == null ? Map.of() : outputs, attempt);
      rollback.refused(step.id(), false);
      return null;
    } catch (ActivityFailure e) {
      if (Failures.root(e) instanceof CanceledFailure cancelled) {
        ledger.failed(step.id(), 0, "cancelled");
        throw cancelled;
      }
      String message = Failures.describe(e);
      // Retries that ran out at the attempt limit prove how often the step ran; else unknown (0).
      boolean limitReached =
          e.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
      ledger.failed(step.id(), limitReached ? step.retry().maximumAttempts() : 0, message);
      boolean refusal = Failures.isRefusal(e);
      rollback.refused(step.id(), refusal);
      return new StepFailure(step.id(), step.action(), message, refusal);
    }
  }

  /**
   * Runs the branches of a group at once inside a cancellation scope; the first branch that fails
   * cancels the others, and the group waits for every branch to end before it reports.
   */
  private StepFailure execute(ParallelGroup group) {
    failIfCancelled();
    List<ActionStep> branches = group.parallel().stream()
        .filter(branch -> run.ledger.state(branch.id()) != StepState.DONE)
        .toList();
    List<Promise<StepFailure>> results = new ArrayList<>();
    CancellationScope scope = Workflow.newCancellationScope(
        () -> branches.forEach(branch -> results.add(Async.function(() -> execute(branch)))));
    scope.run();
    inFlight.addAll(results);
    Workflow.await(() -> allCompleted(results) || firstFailure(results) != null
        || firstUnexpected(results) >= 0);
    StepFailure first = firstFailure(results);
    int threw = firstUnexpected(results);
    if (first == null && threw >= 0 && !allCompleted(results)
        && Workflow.getVersion(
                "cancel-siblings-of-a-branch-that-threw", Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      // Runs from before version 1 went to rollback at once, siblings still running; replay so.
      throwIfBranchThrew(results, branches);
    }
    String failed = first != null ? first.stepId() : threw >= 0 ? branches.get(threw).id() : null;
    if (failed != null && !allCompleted(results)) {
      scope.cancel("branch '" + failed + "' failed");
    }
    Workflow.await(() -> allCompleted(results));
    inFlight.removeAll(results);
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).getFailure() instanceof CanceledFailure) {
        String why = failed == null ? "" : ": branch '" + failed + "' failed";
        run.ledger.failed(branches.get(i).id(), 0, "cancelled" + why);
      }
    }
    throwIfBranchThrew(results, branches);
    return first;
  }

  /** A branch that threw (a bug, not a failed step) fails the group with its id; rollback follows. */
  private void throwIfBranchThrew(List<Promise<StepFailure>> results, List<ActionStep> branches) {
    int threw = firstUnexpected(results);
    if (threw >= 0) {
      String id = branches.get(threw).id();
      RuntimeException cause = results.get(threw).getFailure();
      String message = "branch '" + id + "' threw " + Failures.describe(cause);
      run.ledger.failed(id, 0, message);
      throw new IllegalStateException(message, cause);
    }
  }

  private static void failIfCancelled() {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("lab cancelled");
    }
  }

  private static boolean allCompleted(List<? extends Promise<?>> promises) {
    return promises.stream().allMatch(Promise::isCompleted);
  }

  /** The failure of the first branch (in file order) that failed on its own. */
  private static StepFailure firstFailure(List<Promise<StepFailure>> results) {
    return results.stream()
        .filter(p -> p.isCompleted() && p.getFailure() == null && p.get() != null)
        .map(Promise::get)
        .findFirst()
        .orElse(null);
  }

  /** The index of the first branch (in file order) that threw unexpectedly (a bug), or -1. */
  private static int firstUnexpected(List<Promise<StepFailure>> results) {
    return IntStream.range(0, results.size())
        .filter(i -> results.get(i).isCompleted() && results.get(i).getFailure() != null
            && !(results.get(i).getFailure() instanceof CanceledFailure))
        .findFirst()
        .orElse(-1);
  }

  /** How a step (or a parallel group, through its first failing branch) failed. */
  private record StepFailure(String stepId, String action, String message, boolean refused) {

    String head() {
      return "step '" + stepId + "' (" + action + ") " + (refused ? "refused" : "failed") + ": "
          + message;
    }
  }
}
