package io.labflow.activities.learner;

/**
 * The answer of a check action: whether the condition holds, and one sentence for the learner
 * saying what was found (never a secret).
 */
public record CheckOutput(boolean passed, String detail) {

  static CheckOutput pass(String detail) {
    return new CheckOutput(true, detail);
  }

  static CheckOutput fail(String detail) {
    return new CheckOutput(false, detail);
  }
}
