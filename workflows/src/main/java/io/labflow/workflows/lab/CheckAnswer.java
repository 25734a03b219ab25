package io.labflow.workflows.lab;

import java.util.List;

/**
 * The answer of the learner Updates {@code check}, {@code solve} and {@code skip}: the task, each
 * of its conditions in the definition's order, whether all passed (the task is then done), the
 * score and the task now current ({@code nextTask}: null when every task is done) with, when the
 * answer moved the learner on to it, what it asks ({@code nextInstructions}, as evaluated for the
 * lab; null otherwise).
 */
public record CheckAnswer(
    String taskId,
    boolean passed,
    List<Condition> conditions,
    int score,
    int maxScore,
    String nextTask,
    String nextInstructions) {

  /**
   * One condition as last checked: the definition's message and hint (if written) when it failed,
   * else null; {@code detail}: what the check found, in one sentence (never a secret), or null.
   */
  public record Condition(
      String id, boolean passed, String message, String hint, String detail) {}
}
