package io.labflow.worker.fleet;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/** The Markdown a night shows in the Web UI's current details, and the CLI's table. */
public final class FleetDetails {

  /** Rows shown in the Web UI; the full report is in the result and in {@code fleet status}. */
  private static final int MAX_ROWS = 200;

  private FleetDetails() {}

  static String markdown(FleetReport report, int labCount, Collection<String> running) {
    StringBuilder md = new StringBuilder();
    md.append("**Fleet ").append(report.fleet()).append("**: ")
        .append(report.labs().size()).append(" of ").append(labCount).append(" labs done")
        .append(running.isEmpty() ? "" : ", " + running.size() + " resetting")
        .append("\n\n").append(totals(report)).append("\n\n")
        .append("| lab | result | duration | step | detail |\n|---|---|---|---|---|\n");
    int rows = 0;
    for (String id : running) {
      if (rows++ < MAX_ROWS) {
        md.append("| ").append(id).append(" | resetting | | | |\n");
      }
    }
    for (LabReport r : report.labs()) {
      if (rows++ < MAX_ROWS) {
        md.append("| ").append(r.labId()).append(" | ").append(outcome(r)).append(" | ")
            .append(r.durationMs() > 0 ? seconds(r.durationMs()) : "").append(" | ")
            .append(r.step() == null ? "" : r.step()).append(" | ")
            .append(r.error() == null ? "" : cell(r.error())).append(" |\n");
      }
    }
    if (rows > MAX_ROWS) {
      md.append("\n(").append(rows - MAX_ROWS).append(" more rows in the result and in labflow fleet status)\n");
    }
    return md.toString();
  }

  /** One line of totals: ok, failed, quarantined, skipped, and how many labs are in quarantine. */
  public static String totals(FleetReport report) {
    Map<LabReport.Outcome, Integer> t = report.totals();
    return "ok " + t.get(LabReport.Outcome.OK) + ", failed " + t.get(LabReport.Outcome.FAILED)
        + ", quarantined " + t.get(LabReport.Outcome.QUARANTINED) + ", skipped "
        + t.get(LabReport.Outcome.SKIPPED) + " (in quarantine now: " + report.inQuarantine() + ")";
  }

  /** The result column: the outcome, and whether the lab is in quarantine after the night. */
  public static String outcome(LabReport r) {
    String o = r.outcome().name().toLowerCase();
    return r.outcome() == LabReport.Outcome.FAILED && r.quarantined()
        ? o + " (" + r.consecutiveFailures() + " nights), now quarantined"
        : r.outcome() == LabReport.Outcome.FAILED ? o + " (" + r.consecutiveFailures() + " in a row)" : o;
  }

  public static String seconds(long ms) {
    return String.format("%.1fs", Duration.ofMillis(ms).toMillis() / 1000.0);
  }

  private static String cell(String text) {
    String t = text.replace('\n', ' ').replace("|", "\\|");
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
