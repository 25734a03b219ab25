package io.labflow.workflows.lab;

import java.util.List;

/**
 * Where the learner of a lab with tasks stands (null in the status of a lab without tasks): every
 * task in order, the current one and what it asks (its instructions, Markdown as evaluated for
 * the lab; both null when every task is done), the score, and the answer of the last check, solve
 * or skip (null before the first).
 */
public record LearnerProgress(List<Task> tasks, String currentTask, String instructions, int score,
    int maxScore, CheckAnswer lastCheck) {

  /** How a task ended: checked by the learner, or solved or skipped by an instructor (no points). */
  public enum TaskState {
    OPEN,
    PASSED,
    SOLVED,
    SKIPPED
  }

  public record Task(String id, String title, int points, TaskState state) {}
}
