package io.labflow.worker.client;

import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LearnerProgress;
import java.io.PrintWriter;

/** Prints a learner's answers (check, solve, skip) and progress for people. */
public final class LearnerPrinter {

  private LearnerPrinter() {}

  /** The task, each condition with its message, hint and what was found, the score and what is next. */
  public static void printAnswer(CheckAnswer a, PrintWriter out) {
    out.printf("Task %s: %s%n", a.taskId(), a.passed() ? "passed" : "not passed");
    printConditions(a, out);
    out.println("Score " + score(a.score(), a.maxScore()));
    out.println(a.nextTask() == null ? "Every task is done." : "Next task: " + a.nextTask());
  }

  /** Each condition on its line; under a failed one its message and hint; under each what was found. */
  static void printConditions(CheckAnswer a, PrintWriter out) {
    if (a.conditions() == null) {
      return;
    }
    for (CheckAnswer.Condition c : a.conditions()) {
      out.printf("  %-6s %s%s%n", c.passed() ? "passed" : "FAILED", c.id(),
          c.passed() || c.message() == null ? "" : ": " + StatusPrinter.oneLine(c.message()));
      if (!c.passed() && c.hint() != null) {
        out.println("         hint: " + StatusPrinter.oneLine(c.hint()));
      }
      if (c.detail() != null) {
        out.println("         found: " + StatusPrinter.oneLine(c.detail()));
      }
    }
  }

  /** The tasks with their states, the score, the current task and the last check's conditions. */
  static void printProgress(LearnerProgress p, PrintWriter out) {
    out.println("Learner tasks, score " + score(p.score(), p.maxScore()) + ":");
    for (LearnerProgress.Task t : p.tasks()) {
      out.printf("  %-7s %-20s %3d points  %s%s%n", t.state(), t.id(), t.points(), t.title(),
          t.id().equals(p.currentTask()) ? "  <- current" : "");
    }
    if (p.currentTask() == null) {
      out.println("Every task is done.");
    }
    if (p.lastCheck() != null) {
      out.println("Last check of task " + p.lastCheck().taskId() + ": "
          + (p.lastCheck().passed() ? "passed" : "not passed"));
      printConditions(p.lastCheck(), out);
    }
  }

  /** {@code 40/100 (40%)}. */
  static String score(int score, int max) {
    return score + "/" + max + (max > 0 ? " (" + (score * 100 / max) + "%)" : "");
  }
}
