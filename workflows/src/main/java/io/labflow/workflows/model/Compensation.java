package io.labflow.workflows.model;

import java.time.Duration;
import java.util.Map;

/**
 * The action that undoes a step. Resolved by its {@link Definition} like a step: the whole retry
 * policy, and the defaults' timeouts and heartbeat where the undo gives none.
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
