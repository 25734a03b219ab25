package io.labflow.workflows.interpreter;

import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.List;

/**
 * Builds activity options from a step and the definition's defaults (a step's own value wins, field
 * by field).
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

  /** Start-to-close timeout used when neither the step nor the defaults give one. */
  static final Duration FALLBACK_TIMEOUT = Duration.ofMinutes(10);

  private StepOptions() {}

  /** Options of a step's forward call. */
  static ActivityOptions forStep(Step step, StepDefaults defaults, String summary) {
    StepDefaults d = orEmpty(defaults);
    return build(
        first(step.timeout(), d.timeout()),
        first(step.scheduleToClose(), d.scheduleToClose()),
        first(step.heartbeat(), d.heartbeat()),
        retry(step.retry(), d.retry()),
        summary);
  }

  /**
   * Options of a step's compensation: its own retry, timeout and heartbeat, else the defaults. An
   * undo that waits (a stack delete) heartbeats like a forward step, so a worker lost inside it is
   * retried elsewhere after the heartbeat timeout rather than after its whole start-to-close.
   */
  static ActivityOptions forCompensation(
      Compensation compensation, StepDefaults defaults, String summary) {
    StepDefaults d = orEmpty(defaults);
    return build(
        first(compensation.timeout(), d.timeout()),
        d.scheduleToClose(),
        first(compensation.heartbeat(), d.heartbeat()),
        retry(compensation.retry(), d.retry()),
        summary);
  }

  /** The attempt limit a step runs with; 0 means unlimited. */
  static int maximumAttempts(Step step, StepDefaults defaults) {
    RetrySpec own = step.retry();
    RetrySpec dflt = orEmpty(defaults).retry();
    Integer max =
        first(
            own == null ? null : own.maximumAttempts(),
            dflt == null ? null : dflt.maximumAttempts());
    return max == null ? 0 : max;
  }

  private static ActivityOptions build(
      Duration startToClose,
      Duration scheduleToClose,
      Duration heartbeat,
      RetryOptions retry,
      String summary) {
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder()
            .setSummary(summary)
            .setRetryOptions(retry)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    if (startToClose == null && scheduleToClose == null) {
      startToClose = FALLBACK_TIMEOUT;
    }
    if (startToClose != null) {
      b.setStartToCloseTimeout(startToClose);
    }
    if (scheduleToClose != null) {
      b.setScheduleToCloseTimeout(scheduleToClose);
    }
    if (heartbeat != null) {
      b.setHeartbeatTimeout(heartbeat);
    }
    return b.build();
  }

  static RetryOptions retry(RetrySpec own, RetrySpec dflt) {
    RetrySpec o = own == null ? new RetrySpec(null, null, null, null, null) : own;
    RetrySpec d = dflt == null ? new RetrySpec(null, null, null, null, null) : dflt;
    RetryOptions.Builder b = RetryOptions.newBuilder();
    Duration initial = first(o.initialInterval(), d.initialInterval());
    if (initial != null) {
      b.setInitialInterval(initial);
    }
    Double backoff = first(o.backoffCoefficient(), d.backoffCoefficient());
    if (backoff != null) {
      b.setBackoffCoefficient(backoff);
    }
    Duration maxInterval = first(o.maximumInterval(), d.maximumInterval());
    if (maxInterval != null) {
      b.setMaximumInterval(maxInterval);
    }
    Integer maxAttempts = first(o.maximumAttempts(), d.maximumAttempts());
    if (maxAttempts != null) {
      b.setMaximumAttempts(maxAttempts);
    }
    List<String> doNotRetry = first(o.nonRetryable(), d.nonRetryable());
    if (doNotRetry != null && !doNotRetry.isEmpty()) {
      b.setDoNotRetry(doNotRetry.toArray(new String[0]));
    }
    return b.build();
  }

  private static StepDefaults orEmpty(StepDefaults defaults) {
    return defaults == null ? new StepDefaults(null, null, null, null, null, null) : defaults;
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }
}
