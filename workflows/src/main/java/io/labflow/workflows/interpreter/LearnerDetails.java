package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LearnerProgress;
import java.time.Duration;

/**
 * The learner's part of the lab's current details (Markdown, see {@link LabDetails}): every task
 * with its state, the score, the current task's title and instructions, the last check's
 * conditions with their messages and hints; and the time a live lab has left.
 */
final class LearnerDetails {

  private LearnerDetails() {}

  /**
   * @param title the current task's title, filled in; null when every task is done
   * @param instructions the current task's instructions, filled in; may be null
   */
  static String render(LearnerProgress p, String title, String instructions) {
    StringBuilder md = new StringBuilder();
    md.append("Tasks: score **").append(p.score()).append('/').append(p.maxScore())
        .append("**\n\n");
    for (LearnerProgress.Task t : p.tasks()) {
      md.append("- ").append(t.id()).append(": ").append(plain(t.title())).append(" (")
          .append(t.points()).append(" points): **").append(t.state()).append("**")
          .append(t.id().equals(p.currentTask()) ? " ← current" : "").append('\n');
    }
    md.append('\n');
    if (title == null) {
      md.append("**Every task is done.**\n\n");
    } else {
      md.append("**Current task:** ").append(plain(title)).append("\n\n");
      if (instructions != null && !instructions.isBlank()) {
        md.append(instructions.strip()).append("\n\n");
      }
    }
    CheckAnswer last = p.lastCheck();
    if (last != null) {
      md.append("Last check of ").append(last.taskId()).append(": **")
          .append(last.passed() ? "passed" : "not passed").append("**\n\n");
      for (CheckAnswer.Condition c : last.conditions()) {
        md.append("- ").append(c.passed() ? "✓ " : "✗ ").append(c.id());
        if (c.message() != null) {
          md.append(": ").append(plain(c.message()));
        }
        if (c.hint() != null) {
          md.append(" *Hint:* ").append(plain(c.hint()));
        }
        if (c.detail() != null) {
          md.append(" (").append(plain(c.detail())).append(')');
        }
        md.append('\n');
      }
      md.append('\n');
    }
    return md.toString();
  }

  /**
   * The time a live lab has left, and the warning once it is close to its end.
   *
   * @param left the time until the keep-alive runs out
   * @param liveUntil when that is ({@code 2026-12-02T07:20Z})
   */
  static String timeLeft(Duration left, String liveUntil, boolean warned) {
    String line = "**Time left:** " + words(left) + " (until " + liveUntil + ")\n\n";
    return !warned ? line : line + "**Expires soon:** the lab tears itself down at " + liveUntil
        + "; keep it longer with the Update **extend**, input a duration such as `\"1h\"`.\n\n";
  }

  /**
   * Text shown as written: a message, hint or finding quotes policy JSON ({@code "*"}, {@code
   * ["s3:GetObject"]}) that Markdown would otherwise read as emphasis or links.
   */
  static String plain(String text) {
    return text.replaceAll("([\\\\`*_\\[\\]<>#|~])", "\\\\$1");
  }

  private static String words(Duration d) {
    long minutes = Math.max(0, (d.toSeconds() + 59) / 60);
    return minutes >= 60 ? minutes / 60 + "h " + minutes % 60 + "m" : minutes + "m";
  }
}
