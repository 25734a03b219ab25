package io.labflow.workflows.interpreter;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.RetrySpec;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Turns a resolved step's options into activity options; the step already holds every value it
 * runs with (see {@link ActionStep#resolvedBy}).
 *
 * <p>Every call uses {@link ActivityCancellationType#WAIT_CANCELLATION_COMPLETED}: when a lab is
 * cancelled, or a parallel branch fails and its siblings are cancelled, the interpreter waits until
 * each running activity has acknowledged the cancellation (through its heartbeat) or finished. Only
 * then does it run compensations, so a delete never races the create it undoes. With {@code
 * TRY_CANCEL} the workflow would go on at once and could delete a resource that the still-running
 * create then makes, leaking it. Activities that may run long must heartbeat so that they learn of
 * the cancellation quickly; one that does not is simply waited for.
 *
 * <p>Each call carries a summary (the step id, or {@code undo <step id>}) that the Web UI shows
 * next to the activity, so people can tell two calls of the same action apart. Stubs are
 * therefore made per call rather than cached per options; a stub is a cheap object.
 */
final class StepOptions {

  private StepOptions() {}

  static ActivityOptions forStep(ActionStep step, String summary) {
    return build(step.timeout(), step.scheduleToClose(), step.heartbeat(), step.retry(), summary);
  }

  /**
   * Options of a step's compensation. An undo that waits (a stack delete) heartbeats like a forward
   * step, so a worker lost inside it is retried elsewhere after the heartbeat timeout rather than
   * after its whole start-to-close.
   */
  static ActivityOptions forCompensation(Compensation c, String summary) {
    return build(c.timeout(), c.scheduleToClose(), c.heartbeat(), c.retry(), summary);
  }

  /** Options exactly as resolved; a null timeout is one Temporal does not set. */
  private static ActivityOptions build(Duration startToClose, Duration scheduleToClose,
      Duration heartbeat, RetrySpec r, String summary) {
    RetryOptions.Builder retry = RetryOptions.newBuilder().setMaximumAttempts(r.maximumAttempts())
        .setMaximumInterval(r.maximumInterval())
        .setDoNotRetry(r.nonRetryable().toArray(new String[0]));
    // Unset here means Temporal's own default, as the server applies it.
    if (r.initialInterval() != null) {
      retry.setInitialInterval(r.initialInterval());
    }
    if (r.backoffCoefficient() != null) {
      retry.setBackoffCoefficient(r.backoffCoefficient());
    }
    return ActivityOptions.newBuilder()
        .setSummary(summary)
        .setRetryOptions(retry.build())
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setStartToCloseTimeout(startToClose)
        .setScheduleToCloseTimeout(scheduleToClose)
        .setHeartbeatTimeout(heartbeat)
        .build();
  }
}
