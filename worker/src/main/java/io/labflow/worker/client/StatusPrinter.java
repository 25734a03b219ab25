package io.labflow.worker.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Prints a lab's status and a learner's answers for people, or any answer as JSON for scripts. */
public final class StatusPrinter {

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private StatusPrinter() {}

  /** A run's status as people read it: {@code COMPLETED}, {@code TIMED_OUT}. */
  public static String name(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  public static void printJson(Object value, PrintWriter out) {
    out.println(JSON.valueToTree(value).toPrettyString());
  }

  /** The first line of a lab's status, from its status query or from the server's record. */
  public static String header(String labId, String definition, String variant, Object state) {
    // "-" as `labflow list` writes it: a run refused before it resolved its definition has none.
    return "Lab " + labId + "  definition=" + Objects.toString(definition, "-")
        + "  variant=" + Objects.toString(variant, "-") + "  state=" + state;
  }

  public static void print(LabStatus s, PrintWriter out) {
    out.println(header(s.labId(), s.definition(), s.variant(), s.state()));
    int width = s.steps().stream().mapToInt(st -> st.id().length()).max().orElse(4);
    int actionWidth = s.steps().stream()
        .mapToInt(st -> Objects.toString(st.action(), "").length()).max().orElse(6);
    for (StepStatus st : s.steps()) {
      // The attempt only when above 1, as a follow's lines show it: after a retry decision the
      // step's attempts start again at 1, which is not its first.
      out.println(String.format("  %-20s %-" + width + "s  %-" + actionWidth + "s%s%s",
          st.state(), st.id(), Objects.toString(st.action(), ""),
          st.attempt() > 1 ? "  attempt " + st.attempt() : "",
          st.lastError() == null ? "" : "  " + stepError(st)).stripTrailing());
      printAccessMatrix(st.outputs(), out);
    }
    if (s.pausedStep() != null) {
      out.printf("Paused at step %s. Decide with: labflow resume %s --retry|--skip|--rollback%s%n",
          s.pausedStep(), s.labId(), s.until() == null ? ""
              : "; without a decision by " + s.until() + " it rolls back");
    } else if (s.state() == LabState.LIVE && s.until() != null) {
      out.printf("Live until %s, then it tears itself down (labflow extend %s keeps it longer)%n",
          s.until(), s.labId());
    }
    if (s.lastError() != null) {
      out.println((s.state().isFailing() ? "Last error: "
          : "Earlier error (the lab went on past it): ") + oneLine(s.lastError()));
    }
    if (s.notice() != null) {
      out.println("Notice: " + oneLine(s.notice()));
    }
    if (s.learner() != null) {
      printProgress(s.learner(), out);
    }
  }

  /**
   * Prints the access matrix of a VerifyAccess step, one action a line, so a person sees what the
   * verification proved rather than only that it passed.
   */
  private static void printAccessMatrix(Map<String, Object> outputs, PrintWriter out) {
    if (outputs == null || !(outputs.get("matrix") instanceof List<?> matrix)) {
      return;
    }
    for (Object cell : matrix) {
      if (cell instanceof Map<?, ?> c) {
        boolean allowed = Boolean.TRUE.equals(c.get("allowed"));
        boolean expected = Boolean.TRUE.equals(c.get("expectedAllowed"));
        out.printf("      %-16s %-8s (expected %s)%s  on %s%n",
            c.get("action"), allowed ? "allowed" : "denied", expected ? "allowed" : "denied",
            allowed == expected ? "" : "  MISMATCH", c.get("resource"));
      }
    }
  }

  /**
   * The task, each condition with its message, hint and finding, the score and what is next (a
   * new task with what it asks); {@code skipped}: the answer of a skip, whose task did not pass
   * and was not checked.
   */
  public static void printAnswer(CheckAnswer a, boolean skipped, PrintWriter out) {
    printCheck("Task", a, skipped, out);
    out.println("Score " + score(a.score(), a.maxScore()));
    out.println(a.nextTask() == null ? "Every task is done." : "Next task: " + a.nextTask());
    printInstructions(a.nextTask(), a.nextInstructions(), out);
  }

  /** {@code What TASK asks:} and its instructions, indented; nothing when it has none. */
  private static void printInstructions(String task, String instructions, PrintWriter out) {
    if (instructions != null && !instructions.isBlank()) {
      out.println("What " + task + " asks:");
      instructions.strip().lines().forEach(l -> out.println(("  " + l).stripTrailing()));
    }
  }

  /** {@code LEAD TASK: verdict}; each condition, a failed one's message and hint, its finding. */
  private static void printCheck(String lead, CheckAnswer a, boolean skipped, PrintWriter out) {
    String verdict = skipped ? "skipped (no points)" : a.passed() ? "passed" : "not passed";
    out.println(lead + " " + a.taskId() + ": " + verdict);
    for (CheckAnswer.Condition c : a.conditions()) {
      // The step file's message and hint whole: what a learner needs is often at their end.
      out.printf("  %-6s %s%s%n", c.passed() ? "passed" : "FAILED", c.id(),
          c.passed() || c.message() == null ? "" : ": " + c.message().replace('\n', ' '));
      if (!c.passed() && c.hint() != null) {
        out.println("         hint: " + c.hint().replace('\n', ' '));
      }
      if (c.detail() != null) {
        out.println("         found: " + oneLine(c.detail()));
      }
    }
  }

  private static void printProgress(LearnerProgress p, PrintWriter out) {
    out.println("Learner tasks, score " + score(p.score(), p.maxScore()) + ":");
    for (LearnerProgress.Task t : p.tasks()) {
      out.printf("  %-7s %-20s %3d points  %s%s%n", t.state(), t.id(), t.points(), t.title(),
          t.id().equals(p.currentTask()) ? "  <- current" : "");
    }
    if (p.currentTask() == null) {
      out.println("Every task is done.");
    }
    printInstructions(p.currentTask(), p.instructions(), out);
    if (p.lastCheck() != null) {
      boolean skipped = p.tasks().stream().anyMatch(t -> t.id().equals(p.lastCheck().taskId())
          && t.state() == LearnerProgress.TaskState.SKIPPED);
      printCheck("Last check of task", p.lastCheck(), skipped, out);
    }
  }

  /** {@code 40/100 (40%)}. */
  private static String score(int score, int max) {
    return score + "/" + max + (max > 0 ? " (" + (score * 100 / max) + "%)" : "");
  }

  /** A step's outputs as {@code key=value} pairs, leaving out one without a value. */
  /**
   * A step's error, as its present ({@code error: }: failed, its undo failed, or refused) or as
   * what it went past ({@code failed before: }: a retry running or done, a skip, an undo done).
   */
  static String stepError(StepStatus st) {
    boolean present = st.state() == StepState.FAILED || st.state() == StepState.REFUSED
        || st.state() == StepState.COMPENSATION_FAILED;
    return (present ? "error: " : "failed before: ") + oneLine(st.lastError());
  }

  public static String outputs(Map<String, Object> outputs) {
    String s = outputs.entrySet().stream().filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + (e.getValue() instanceof Map || e.getValue() instanceof List
            ? JSON.valueToTree(e.getValue()) : e.getValue()))
        .collect(Collectors.joining(" "));
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  public static String oneLine(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > 300 ? one.substring(0, 297) + "..." : one;
  }
}
