package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.model.Definition;
import java.util.List;
import java.util.Map;

/**
 * The lab's current details as the Temporal Web UI shows them (Markdown, set with {@code
 * Workflow.setCurrentDetails} and read through the {@code __temporal_workflow_metadata} query, so
 * they cost no history event): lab id, definition, variant, state, each step's state, the last
 * verification's access matrix and what a person can do next.
 */
final class LabDetails {

  private static final int MAX_ERROR = 300;

  private static final java.util.Set<LabState> FAILING =
      java.util.EnumSet.of(
          LabState.PAUSED, LabState.ROLLING_BACK, LabState.ROLLED_BACK, LabState.FAILED,
          LabState.RESOLVING);

  private LabDetails() {}

  /**
   * @param s the lab's status
   * @param liveUntil when a live lab's keep-alive runs out ({@code 2026-12-02T07:20Z}), or null
   * @param definition the lab's definition (its variants are what a live lab may switch to); null
   *     before it is resolved
   * @param learner the learner's tasks and the time left ({@link LearnerDetails}); empty for none
   */
  static String render(LabStatus s, String liveUntil, Definition definition, String learner) {
    List<String> variants =
        definition == null || definition.variants() == null
            ? List.of()
            : List.copyOf(definition.variants().keySet());
    StringBuilder md = new StringBuilder();
    // The lab id first: a run started from the Web UI has no static summary to name it.
    md.append("lab **").append(s.labId()).append("**");
    if (s.definition() != null) {
      md.append(" · **").append(s.definition()).append("**");
    }
    if (s.variant() != null) {
      md.append(" · variant **").append(s.variant()).append("**");
    }
    md.append(" · **").append(s.state()).append("**");
    if (s.state() == LabState.LIVE && liveUntil != null) {
      md.append(" until ").append(liveUntil);
    }
    md.append("\n\n");
    if (s.steps() != null && !s.steps().isEmpty()) {
      // Lists, not tables: the Web UI renders Markdown tables without cell padding.
      md.append("Steps:\n\n");
      for (StepStatus st : s.steps()) {
        md.append("- ").append(st.id())
            .append(st.action() == null ? "" : " (" + st.action() + ")").append(": **")
            .append(st.state()).append("**")
            .append(st.attempt() > 1 ? " (attempt " + st.attempt() + ")" : "").append('\n');
      }
      md.append('\n');
    }
    matrix(s.steps(), md);
    // A failure that a retry or skip got past is history (the status keeps it); here it would
    // read as the lab's present.
    if (s.lastError() != null && FAILING.contains(s.state())) {
      md.append("**Last error:** ").append(oneLine(s.lastError())).append("\n\n");
    }
    if (s.notice() != null) {
      md.append("**Notice:** ").append(oneLine(s.notice())).append("\n\n");
    }
    md.append(learner);
    md.append("**Next:** ").append(next(s, variants));
    return md.toString();
  }

  /** The access matrix of the last step that returned one (a verification). */
  private static void matrix(List<StepStatus> steps, StringBuilder md) {
    if (steps == null) {
      return;
    }
    for (int i = steps.size() - 1; i >= 0; i--) {
      StepStatus st = steps.get(i);
      if (st.outputs() != null && st.outputs().get("matrix") instanceof List<?> cells
          && !cells.isEmpty()) {
        Object method = st.outputs().get("method");
        md.append("Last verification: ").append(st.id())
            .append(method == null ? "" : " (" + method + ")").append(":\n\n");
        for (Object cell : cells) {
          if (cell instanceof Map<?, ?> c) {
            boolean allowed = Boolean.TRUE.equals(c.get("allowed"));
            boolean expected = Boolean.TRUE.equals(c.get("expectedAllowed"));
            md.append("- ").append(c.get("action")).append(": ")
                .append(allowed ? "allowed" : "denied")
                .append(allowed == expected ? " ✓" : " ✗ MISMATCH, expected "
                    + (expected ? "allowed" : "denied"))
                .append('\n');
          }
        }
        md.append('\n');
        return;
      }
    }
  }

  private static String next(LabStatus s, List<String> variants) {
    return switch (s.state()) {
      case RESOLVING, PROVISIONING -> "wait: the lab is being built.";
      case PAUSED ->
          "step " + s.pausedStep() + " failed. Fix the cause, then send the Update **resume** with"
              + " input `\"RETRY\"` (run it again), `\"SKIP\"` or `\"ROLLBACK\"`; or the Update"
              + " **teardown**.";
      case LIVE -> {
        String learner = s.learner() == null || s.learner().currentTask() == null ? ""
            : "check your work with the Update **check** (no input); ";
        List<String> others = variants.stream().filter(v -> !v.equals(s.variant())).toList();
        yield learner + (others.isEmpty() ? "" : "switch with the Update **switchVariant**, input `\""
                + others.get(0) + "\"`; ")
            + "tear down with the Update **teardown** (no input).";
      }
      case SWITCHING -> "wait: the new variant is being applied and verified.";
      case ROLLING_BACK, TEARING_DOWN -> "wait: every created resource is being deleted.";
      case COMPLETED -> "nothing: every step is done.";
      case ROLLED_BACK -> "nothing is left in AWS; fix the cause above and start the lab again.";
      case TORN_DOWN -> "nothing is left in AWS; start the lab again to get a new one.";
      case FAILED -> s.steps() == null || s.steps().isEmpty()
          ? "nothing was created; fix the cause above and start the lab again."
          : "some resources could not be deleted: see the steps above and the status query.";
    };
  }

  private static String oneLine(String s) {
    String one = s.replace('\n', ' ').replace('|', '/');
    return one.length() > MAX_ERROR ? one.substring(0, MAX_ERROR - 3) + "..." : one;
  }
}
