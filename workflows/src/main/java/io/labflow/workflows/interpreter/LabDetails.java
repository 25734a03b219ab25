package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.StepStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The lab's current details as the Temporal Web UI shows them: Markdown, set with {@code
 * Workflow.setCurrentDetails} and read through the {@code __temporal_workflow_metadata} query, so
 * they cost no history event.
 */
final class LabDetails {

  private static final int MAX_ERROR = 300;

  private LabDetails() {}

  /**
   * @param s the lab's status
   * @param learner the learner's tasks and the time left ({@link #learner}); empty for none
   */
  static String render(LabStatus s, String learner) {
    // The lab id first: a run started from the Web UI has no static summary to name it.
    StringBuilder md = new StringBuilder("lab **" + s.labId() + "**"
        + (s.definition() == null ? "" : " · **" + s.definition() + "**")
        + (s.variant() == null ? "" : " · variant **" + s.variant() + "**")
        + " · **" + s.state() + "**"
        + (s.until() != null ? " until " + s.until() : "") + "\n\n");
    if (!s.steps().isEmpty()) {
      // Lists, not tables: the Web UI renders Markdown tables without cell padding.
      md.append("Steps:\n\n");
      for (StepStatus st : s.steps()) {
        md.append("- " + st.id() + " (" + st.action() + "): **" + st.state() + "**"
            + (st.attempt() > 1 ? " (attempt " + st.attempt() + ")" : "") + "\n");
      }
      md.append('\n');
    }
    matrix(s.steps(), md);
    // A failure that a retry or skip got past is history (the status keeps it); here it would
    // read as the lab's present.
    if (s.lastError() != null && s.state().isFailing()) {
      md.append("**Last error:** ").append(oneLine(s.lastError())).append("\n\n");
    }
    if (s.notice() != null) {
      md.append("**Notice:** ").append(oneLine(s.notice())).append("\n\n");
    }
    return md.append(learner).append("**Next:** ").append(next(s)).toString();
  }

  /** The access matrix of the last step that returned one (a verification). */
  private static void matrix(List<StepStatus> steps, StringBuilder md) {
    for (int i = steps.size() - 1; i >= 0; i--) {
      StepStatus st = steps.get(i);
      if (st.outputs().get("matrix") instanceof List<?> cells && !cells.isEmpty()) {
        Object method = st.outputs().get("method");
        md.append("Last verification: " + st.id() + (method == null ? "" : " (" + method + ")")
            + ":\n\n");
        for (Object cell : cells) {
          if (cell instanceof Map<?, ?> c) {
            boolean allowed = Boolean.TRUE.equals(c.get("allowed"));
            boolean expected = Boolean.TRUE.equals(c.get("expectedAllowed"));
            md.append("- " + c.get("action") + ": " + (allowed ? "allowed" : "denied")
                + (allowed == expected ? " ✓" : " ✗ MISMATCH, expected "
                    + (expected ? "allowed" : "denied")) + "\n");
          }
        }
        md.append('\n');
        return;
      }
    }
  }

  private static String next(LabStatus s) {
    return switch (s.state()) {
      case RESOLVING, PROVISIONING -> "wait: the lab is being built.";
      case PAUSED ->
          "step " + s.pausedStep() + " failed. Fix the cause, then send the Update **resume** with"
              + " input `\"RETRY\"` (run it again), `\"SKIP\"` or `\"ROLLBACK\"`; or the Update"
              + " **teardown**." + (s.until() == null ? "" : " Without a decision by " + s.until()
              + " the lab rolls back.");
      case LIVE -> {
        String learner = s.learner() == null || s.learner().currentTask() == null ? ""
            : "check your work with the Update **check** (no input); ";
        yield learner + (s.switchTo().isEmpty() ? "" : "switch with the Update **switchVariant**,"
                + " input `\"" + s.switchTo().get(0) + "\"`; ")
            + "tear down with the Update **teardown** (no input).";
      }
      case SWITCHING -> "wait: the new variant is being applied and verified.";
      case ROLLING_BACK, TEARING_DOWN -> "wait: every created resource is being deleted.";
      case COMPLETED -> "nothing: every step is done.";
      case ROLLED_BACK -> left(s) + "; fix the cause above and start the lab again.";
      case TORN_DOWN -> left(s) + "; start the lab again to get a new one.";
      case FAILED -> s.steps().isEmpty()
          ? "nothing was created; fix the cause above and start the lab again."
          : "some resources could not be deleted: see the steps above and the status query.";
    };
  }

  /** What an ended lab left in AWS: not known for a step whose undo needed outputs it lacks. */
  private static String left(LabStatus s) {
    List<String> skipped = s.steps().stream().filter(st -> st.lastError() != null
        && st.lastError().contains(Rollback.NO_OUTPUTS)).map(StepStatus::id).toList();
    return skipped.isEmpty() ? "nothing is left in AWS"
        : "the undo of " + String.join(", ", skipped) + " was skipped, the step producing no"
            + " outputs: what it may have created in AWS is not known (look for the tag"
            + " labflow:lab=" + s.labId() + ")";
  }

  private static String oneLine(String s) {
    String one = s.replace('\n', ' ');
    return plain(one.length() > MAX_ERROR ? one.substring(0, MAX_ERROR - 3) + "..." : one);
  }

  /**
   * The learner's part.
   *
   * @param title the current task's title, filled in; null when every task is done
   */
  static String learner(LearnerProgress p, String title) {
    StringBuilder md = new StringBuilder("Tasks: score **" + p.score() + "/" + p.maxScore()
        + "**\n\n");
    for (LearnerProgress.Task t : p.tasks()) {
      md.append("- " + t.id() + ": " + plain(t.title()) + " (" + t.points() + " points): **"
          + t.state() + "**" + (t.id().equals(p.currentTask()) ? " ← current" : "") + "\n");
    }
    md.append('\n');
    if (title == null) {
      md.append("**Every task is done.**\n\n");
    } else {
      md.append("**Current task:** ").append(plain(title)).append("\n\n");
      if (p.instructions() != null && !p.instructions().isBlank()) {
        md.append(p.instructions().strip()).append("\n\n");
      }
    }
    CheckAnswer last = p.lastCheck();
    if (last != null) {
      md.append("Last check of " + last.taskId() + ": **"
          + (last.passed() ? "passed" : "not passed") + "**\n\n");
      for (CheckAnswer.Condition c : last.conditions()) {
        md.append("- " + (c.passed() ? "✓ " : "✗ ") + c.id()
            + (c.message() == null ? "" : ": " + plain(c.message()))
            + (c.hint() == null ? "" : " *Hint:* " + plain(c.hint()))
            + (c.detail() == null ? "" : " (" + plain(c.detail()) + ")") + "\n");
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
    long minutes = Math.max(0, (left.toSeconds() + 59) / 60);
    String line = "**Time left:** " + (minutes >= 60 ? minutes / 60 + "h " + minutes % 60 + "m"
        : minutes + "m") + " (until " + liveUntil + ")\n\n";
    return !warned ? line : line + "**Expires soon:** the lab tears itself down at " + liveUntil
        + "; keep it longer with the Update **extend**, input a duration such as `\"1h\"`.\n\n";
  }

  /**
   * Text shown as written: a message, hint, finding, error or notice quotes policy JSON ({@code
   * "*"}, {@code ["s3:GetObject"]}) or ARNs ({@code arn:aws:s3:::b/*}) that Markdown would
   * otherwise read as emphasis or links.
   */
  private static String plain(String text) {
    return text.replaceAll("([\\\\`*_\\[\\]<>#|~])", "\\\\$1");
  }
}
