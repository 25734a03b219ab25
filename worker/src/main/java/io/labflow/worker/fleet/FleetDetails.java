package io.labflow.worker.fleet;

import com.uber.m3.tally.Scope;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.workflows.lab.LabMeters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * How a night reads: the Markdown it shows in the Web UI's current details, the CLI's columns, and
 * the log line and metrics at its end.
 */
public final class FleetDetails {

  /** Rows shown in the Web UI; the full report is in the result and in {@code fleet status}. */
  private static final int MAX_ROWS = 200;

  private static final String[] HEADER = {"lab", "result", "duration", "step"};

  private FleetDetails() {}

  /**
   * The night's report: totals, then one row per lab as plain text in a code block, then why the
   * labs that were not reset were not. The Web UI 2.54 renders a Markdown table without cell
   * padding (cells run together, lab ids wrap at their hyphens), and a code block as it is: aligned
   * columns in a fixed-width font. The errors, long and of any width, follow as a list.
   */
  static String markdown(FleetReport report, int labCount, Collection<String> running) {
    List<String[]> rows = new ArrayList<>();
    List<String> why = new ArrayList<>();
    running.forEach(id -> rows.add(new String[] {id, "resetting", "", ""}));
    for (LabReport r : report.labs()) {
      rows.add(new String[] {r.labId(), outcome(r),
          r.durationMs() > 0 ? seconds(r.durationMs()) : "", r.step() == null ? "" : r.step()});
      if (r.error() != null && rows.size() <= MAX_ROWS) {
        why.add("- `" + r.labId() + "`: " + StatusPrinter.oneLine(r.error()));
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("**Fleet ").append(report.fleet()).append("**: ")
        .append(report.labs().size()).append(" of ").append(labCount).append(" labs done")
        .append(running.isEmpty() ? "" : ", " + running.size() + " resetting")
        .append("\n\n").append(totals(report)).append("\n\n");
    if (report.quota() != null) {
      md.append("Quotas: ").append(report.quota()).append("\n\n");
    }
    table(rows.subList(0, Math.min(rows.size(), MAX_ROWS)), md);
    if (rows.size() > MAX_ROWS) {
      md.append("\n(").append(rows.size() - MAX_ROWS)
          .append(" more labs in the result and in labflow fleet status)\n");
    }
    if (!why.isEmpty()) {
      md.append("\nWhy:\n\n").append(String.join("\n", why)).append('\n');
    }
    return md.toString();
  }

  /** The rows as a code block. */
  private static void table(List<String[]> rows, StringBuilder md) {
    md.append("```\n");
    columns(Stream.concat(Stream.<String[]>of(HEADER), rows.stream()).toList())
        .forEach(line -> md.append(line).append('\n'));
    md.append("```\n");
  }

  /** The rows' lines, each column as wide as its widest cell, two spaces apart. */
  public static List<String> columns(List<String[]> rows) {
    int[] width = IntStream.range(0, rows.get(0).length)
        .map(c -> rows.stream().mapToInt(row -> row[c].length()).max().orElse(0)).toArray();
    return rows.stream().map(row -> IntStream.range(0, row.length)
        .mapToObj(c -> row[c] + " ".repeat(width[c] - row[c].length() + 2))
        .collect(Collectors.joining()).stripTrailing()).toList();
  }

  /**
   * One line of totals: ok, failed, quarantined, skipped, over quota and running (each when any),
   * and how many labs are in quarantine.
   */
  public static String totals(FleetReport report) {
    Map<LabReport.Outcome, Integer> t = report.totals();
    int overQuota = t.get(LabReport.Outcome.OVER_QUOTA);
    int running = t.get(LabReport.Outcome.RUNNING);
    return "ok " + t.get(LabReport.Outcome.OK) + ", failed " + t.get(LabReport.Outcome.FAILED)
        + ", quarantined " + t.get(LabReport.Outcome.QUARANTINED) + ", skipped "
        + t.get(LabReport.Outcome.SKIPPED) + (overQuota > 0 ? ", over quota " + overQuota : "")
        + (running > 0 ? ", running " + running : "")
        + " (in quarantine now: " + report.inQuarantine() + ")";
  }

  /** The result column: the outcome, and whether the lab is in quarantine after the night. */
  public static String outcome(LabReport r) {
    String o = r.outcome().name().toLowerCase().replace('_', ' ');
    return r.outcome() == LabReport.Outcome.FAILED && r.quarantined()
        ? o + " (" + r.consecutiveFailures() + " nights), now quarantined"
        : r.outcome() == LabReport.Outcome.FAILED ? o + " (" + r.consecutiveFailures() + " in a row)" : o;
  }

  public static String seconds(long ms) {
    return String.format("%.1fs", ms / 1000.0);
  }

  /**
   * The end of a night for the operator: one readable sentence for the log, and its figures as
   * metrics through the workflow's metrics scope (silent during replay): the night's length, {@code
   * labflow_fleet_night_seconds{fleet}}, and the last night's labs by outcome, {@code
   * labflow_fleet_night_labs{fleet,outcome}} (ok, failed, quarantined, skipped, over_quota, left_out: in the
   * fleet but in no report row), {@code labflow_fleet_quarantined_labs{fleet}} and when the night
   * ended, {@code labflow_fleet_night_end_seconds{fleet}}: each worker keeps the figures of the last
   * night it ran, so the alert rules read those of the worker whose night ended last.
   */
  static String sentence(FleetReport report, int labCount) {
    int leftOut = labCount - report.labs().size();
    return "fleet " + report.fleet() + ": night done in "
        + seconds(report.finishedAt() - report.startedAt()) + ", " + labCount + " labs: "
        + totals(report) + (leftOut > 0 ? ", left out " + leftOut : "");
  }

  static void recordNight(Scope workflowScope, FleetReport report, int labCount) {
    Scope scope = workflowScope.tagged(Map.of("fleet", report.fleet()));
    scope.timer(LabMeters.FLEET_NIGHT)
        .record(com.uber.m3.util.Duration.ofMillis(report.finishedAt() - report.startedAt()));
    report.totals().forEach((outcome, n) -> {
      if (outcome != LabReport.Outcome.RUNNING) {
        scope.tagged(Map.of("outcome", outcome.name().toLowerCase()))
            .gauge(LabMeters.FLEET_NIGHT_LABS).update(n);
      }
    });
    scope.tagged(Map.of("outcome", "left_out"))
        .gauge(LabMeters.FLEET_NIGHT_LABS).update(labCount - report.labs().size());
    scope.gauge(LabMeters.FLEET_QUARANTINED).update(report.inQuarantine());
    scope.gauge(LabMeters.FLEET_NIGHT_END).update(report.finishedAt() / 1000.0);
  }
}
