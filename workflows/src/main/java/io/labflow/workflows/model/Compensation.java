package io.labflow.workflows.model;

import java.time.Duration;
import java.util.Map;

/**
 * The action that undoes a step. Resolved by its {@link Definition} like a step: the whole retry
 * policy, and the defaults' timeouts and heartbeat where the undo gives none.
 *
 * @param action activity type of the undo
 * @param with its input; may reference the step's own outputs when the step completed
 * @param retry its retry policy; null (before resolution) inherits the definition's defaults
 * @param timeout start-to-close timeout of one attempt
 * @param heartbeat heartbeat timeout of one attempt, after which Temporal retries the undo on
 *     another worker (the loader fills it in for a long-running action when neither the undo nor
 *     the defaults give one); null for none
 * @param scheduleToClose bound on all attempts: always the defaults' (a step file cannot set one on
 *     an undo); null for none
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

  /** An undo as written, with its own heartbeat timeout. */
  public Compensation(
      String action, Map<String, Object> with, RetrySpec retry, Duration timeout, Duration heartbeat) {
    this(action, with, retry, timeout, heartbeat, null);
  }

  /** This undo resolved against a definition's defaults (idempotent). */
  Compensation resolvedBy(StepDefaults d) {
    Duration scheduleBound = ActionStep.first(scheduleToClose, d.scheduleToClose());
    return new Compensation(
        action,
        with,
        RetrySpec.orNone(retry).resolvedOver(d.retry()),
        ActionStep.attemptBound(ActionStep.first(timeout, d.timeout()), scheduleBound),
        ActionStep.first(heartbeat, d.heartbeat()),
        scheduleBound);
  }
}
