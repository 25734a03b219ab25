package io.labflow.workflows.lab;

import java.util.List;

/**
 * The answer of the learner Updates {@code check}, {@code solve} and {@code skip}: the task that
 * was checked, each of its conditions, and where the learner stands.
 *
 * @param taskId the task that was checked (solved, skipped)
 * @param passed whether every condition passed (the task is then done and the next is current)
 * @param conditions each condition of the task, in the definition's order
 * @param score the points earned so far
 * @param maxScore the points all tasks are worth
 * @param nextTask the task now current; null when every task is done
 */
public record CheckAnswer(
    String taskId,
    boolean passed,
    List<Condition> conditions,
    int score,
    int maxScore,
    String nextTask) {

  /**
   * One condition of a task as last checked.
   *
   * @param id the check's id in the definition
   * @param passed whether it holds
   * @param message the definition's message when it failed; null when it passed
   * @param hint the definition's hint when it failed and one is written; else null
   * @param detail what the check found, in one sentence (never a secret); may be null
   */
  public record Condition(
      String id, boolean passed, String message, String hint, String detail) {}
}
