package io.labflow.workflows.interpreter;

import com.uber.m3.tally.Scope;
import io.labflow.workflows.lab.LabMeters;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.workflow.Workflow;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What a lab state change tells the operator: one INFO line with its cause, the transition counter
 * {@code labflow_lab_transitions_total{definition,from,to}} and the time the lab spent in the state
 * it leaves, {@code labflow_lab_state_seconds{definition,state}} (a histogram: a provision, a
 * pause, a teardown). Workflow code's logger and metrics scope stay silent during replay.
 */
final class StateChanges {

  private static final Logger log = Workflow.getLogger(StateChanges.class);

  private StateChanges() {}

  /**
   * Records the lab's change from the state it is in (since {@code since}, workflow time in ms; 0
   * before the first change) to {@code to}; returns the time of the change.
   */
  static long record(LabRun run, long since, LabState to) {
    long now = Workflow.currentTimeMillis();
    LabStatus lab = run.status();
    LabState from = lab.state();
    String definition = lab.definition() == null ? "-" : lab.definition();
    Scope scope = Workflow.getMetricsScope();
    scope.tagged(Map.of("definition", definition, "from", from.name(), "to", to.name()))
        .counter(LabMeters.TRANSITIONS).inc(1);
    if (since > 0) {
      scope.tagged(Map.of("definition", definition, "state", from.name()))
          .timer(LabMeters.TIME_IN_STATE).record(com.uber.m3.util.Duration.ofMillis(now - since));
    }
    log.info("lab {}: {} -> {} ({})", lab.labId(), from, to, cause(lab, to, run.liveUntil(),
        run.expired()));
    return now;
  }

  /** {@code expired}: the keep-alive ran out, so a teardown is the lab's own. */
  private static String cause(LabStatus lab, LabState to, String liveUntil, boolean expired) {
    LabState from = lab.state();
    String variant = lab.variant() == null ? "" : ", variant " + lab.variant();
    return switch (to) {
      case PROVISIONING -> from == LabState.PAUSED ? "resumed by the operator"
          : "definition " + lab.definition() + " resolved" + variant;
      case LIVE -> from == LabState.SWITCHING ? "switched to variant " + lab.variant()
          : from == LabState.PAUSED ? "resumed by the operator"
          : "every step done" + variant + (liveUntil == null ? "" : ", live until " + liveUntil);
      case COMPLETED -> "every step done";
      case SWITCHING -> "switch to variant " + lab.variant() + " requested";
      case PAUSED -> "step " + lab.pausedStep() + " failed: " + lab.lastError();
      case TEARING_DOWN -> expired ? "keep-alive over, live until " + liveUntil
          : "teardown requested";
      case TORN_DOWN -> "every undo done";
      default -> lab.lastError() == null ? "no error recorded" : lab.lastError();
    };
  }
}
