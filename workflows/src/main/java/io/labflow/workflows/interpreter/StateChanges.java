package io.labflow.workflows.interpreter;

import com.uber.m3.tally.Scope;
import io.labflow.workflows.lab.LabState;
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

  static final String TRANSITIONS = "labflow_lab_transitions";
  static final String TIME_IN_STATE = "labflow_lab_state";

  private static final Logger log = Workflow.getLogger(StateChanges.class);

  private StateChanges() {}

  static void record(LabRun run, LabState from, LabState to) {
    long now = Workflow.currentTimeMillis();
    String definition = run.definitionName == null ? "-" : run.definitionName;
    Scope scope = Workflow.getMetricsScope();
    scope.tagged(Map.of("definition", definition, "from", from.name(), "to", to.name()))
        .counter(TRANSITIONS).inc(1);
    if (run.stateSince > 0) {
      scope.tagged(Map.of("definition", definition, "state", from.name()))
          .timer(TIME_IN_STATE).record(com.uber.m3.util.Duration.ofMillis(now - run.stateSince));
    }
    log.info("lab {}: {} -> {} ({})", run.labId, from, to, cause(run, from, to, now));
    run.stateSince = now;
  }

  private static String cause(LabRun run, LabState from, LabState to, long now) {
    return switch (to) {
      case PROVISIONING -> from == LabState.PAUSED ? "resumed by the operator"
          : "definition " + run.definitionName + " resolved" + (run.variant == null ? "" : ", variant " + run.variant);
      case LIVE -> from == LabState.SWITCHING ? "switched to variant " + run.variant
          : from == LabState.PAUSED ? "resumed by the operator"
          : "every step done" + (run.variant == null ? "" : ", variant " + run.variant) + (run.liveUntil == null ? "" : ", live until " + run.liveUntil);
      case COMPLETED -> "every step done";
      case SWITCHING -> "switch to variant " + run.variant + " requested";
      case PAUSED -> "step " + run.pausedStep + " failed: " + run.lastError;
      case TEARING_DOWN -> keepAliveOver(run, from, now)
          ? "keep-alive of " + run.definition.keepAlive() + " over" : "teardown requested";
      case TORN_DOWN -> "every undo done";
      default -> run.lastError == null ? "no error recorded" : run.lastError;
    };
  }

  /** A live lab's own teardown: its keep-alive ran out (else an operator or a reset asked). */
  private static boolean keepAliveOver(LabRun run, LabState from, long now) {
    return from == LabState.LIVE && run.definition != null && run.definition.keepAlive() != null
        && run.stateSince > 0 && now - run.stateSince >= run.definition.keepAlive().toMillis();
  }
}
