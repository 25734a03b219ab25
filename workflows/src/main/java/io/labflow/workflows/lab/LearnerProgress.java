package io.labflow.workflows.lab;

import java.util.List;

/**
 * Where the learner of a lab with tasks stands; null in the status of a lab without tasks.
 *
 * @param tasks every task, in order
 * @param currentTask the task the learner works on; null when every task is done
 * @param score the points earned so far
 * @param maxScore the points all tasks are worth
 * @param lastCheck the answer of the last check, solve or skip; null before the first
 */
public record LearnerProgress(
    List<Task> tasks, String currentTask, int score, int maxScore, CheckAnswer lastCheck) {

  /** How a task ended, or that it has not. */
  public enum TaskState {
    OPEN,
    /** Every condition passed when the learner checked it. */
    PASSED,
    /** An instructor ran its solve steps (no points). */
    SOLVED,
    /** An instructor skipped it (no points). */
    SKIPPED
  }

  /** One task: what it is worth and how it ended, or OPEN. */
  public record Task(String id, String title, int points, TaskState state) {}
}
