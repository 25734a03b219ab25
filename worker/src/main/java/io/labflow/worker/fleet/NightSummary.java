package io.labflow.worker.fleet;

import com.uber.m3.tally.Scope;
import java.util.Map;

/**
 * The end of a fleet night for the operator: one readable sentence for the log, and its figures as
 * metrics through the workflow's metrics scope (silent during replay): the night's length, {@code
 * labflow_fleet_night_seconds{fleet}}, and the last night's labs by outcome, {@code
 * labflow_fleet_night_labs{fleet,outcome}} (ok, failed, quarantined, skipped, left_out: in the
 * fleet but in no report row) and {@code labflow_fleet_quarantined_labs{fleet}}.
 */
final class NightSummary {

  private NightSummary() {}

  static String sentence(FleetReport report, int labCount) {
    int leftOut = labCount - report.labs().size();
    return "fleet " + report.fleet() + ": night done in "
        + FleetDetails.seconds(report.finishedAt() - report.startedAt()) + ", " + labCount + " labs: "
        + FleetDetails.totals(report) + (leftOut > 0 ? ", left out " + leftOut : "");
  }

  static void record(Scope workflowScope, FleetReport report, int labCount) {
    Scope scope = workflowScope.tagged(Map.of("fleet", report.fleet()));
    scope.timer("labflow_fleet_night")
        .record(com.uber.m3.util.Duration.ofMillis(report.finishedAt() - report.startedAt()));
    report.totals().forEach((outcome, n) -> {
      if (outcome != LabReport.Outcome.RUNNING) {
        scope.tagged(Map.of("outcome", outcome.name().toLowerCase()))
            .gauge("labflow_fleet_night_labs").update(n);
      }
    });
    scope.tagged(Map.of("outcome", "left_out"))
        .gauge("labflow_fleet_night_labs").update(labCount - report.labs().size());
    scope.gauge("labflow_fleet_quarantined_labs").update(report.inQuarantine());
  }
}
