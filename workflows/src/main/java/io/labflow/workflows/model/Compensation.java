package io.labflow.workflows.model;

import java.time.Duration;
import java.util.Map;

/**
 * The action that undoes a step. Resolved by its {@link Definition} as a step is: the retry policy,
 * and the defaults' timeouts and heartbeat where the undo gives none; but not the defaults' number
 * of attempts: an undo is retried until it is done or fails for good (a refusal, a non-retryable
 * error), unless its own {@code retry} bounds it, so that AWS not answering for a while (an
 * outage, throttling) does not end a rollback or teardown with the lab's resources left behind.
 *
 * @param with its input; may reference the step's own outputs when the step completed
 * @param heartbeat the loader fills it in for a long-running action when neither the undo nor the
 *     defaults give one
 * @param scheduleToClose always the defaults' (a step file cannot set one on an undo)
 */
public record Compensation(
    String action,
    Map<String, Object> with,
    RetrySpec retry,
    Duration timeout,
    Duration heartbeat,
    Duration scheduleToClose) {

  public Compensation {
    with = with == null ? Map.of() : with;
  }

  /** This undo resolved against a definition's defaults (idempotent). */
  Compensation resolvedBy(StepDefaults d) {
    RetrySpec untilDone = RetrySpec.orNone(retry).over(new RetrySpec(null, null, null, 0, null));
    ActionStep s = new ActionStep(null, action, with, untilDone, timeout, scheduleToClose,
        heartbeat, null, null, 0).resolvedBy(d);
    return new Compensation(
        action, with, s.retry(), s.timeout(), s.heartbeat(), s.scheduleToClose());
  }
}
