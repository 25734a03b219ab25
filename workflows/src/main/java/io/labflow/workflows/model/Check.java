package io.labflow.workflows.model;

import java.util.Map;

/**
 * One condition of a learner's task: an action that reads (never changes) the learner's resources
 * and returns {@code passed} and {@code detail}.
 *
 * @param message what the learner reads when the condition does not hold
 * @param hint how to fix it; null when none is written
 */
public record Check(
    String id, String action, Map<String, Object> with, String message, String hint, int line) {

  /** The check as a step run with the definition's defaults (it has no undo). */
  public ActionStep asStep(StepDefaults defaults) {
    return new ActionStep(id, action, with, null, null, null, null, null, null, line)
        .resolvedBy(defaults);
  }
}
