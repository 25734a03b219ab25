package io.labflow.worker.runtime;

import static java.util.Map.entry;

import io.labflow.workflows.lab.LabMeters;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * labflow's meter names and their help text, for the meters the worker registers itself and for
 * those workflow code reports through the SDK's metrics scope (which carries no help text); and
 * for the timers (a lab's time in a state, a fleet night) Prometheus histogram buckets from one
 * second to a day, instead of the SDK reporter's default percentile histogram, whose buckets stop
 * at 30 s and number in the dozens.
 */
public final class LabflowMeters implements MeterFilter {

  /** AWS API calls, {@code labflow_aws_calls_total{service,operation,outcome}} ({@link AwsCalls}). */
  public static final String AWS_CALLS = "labflow.aws.calls";
  /** Open labs by state, {@code labflow_labs{state}} ({@link ServerGauges}). */
  static final String LABS = "labflow.labs";
  /** 1 for each paused lab, {@code labflow_lab_paused{lab}} ({@link ServerGauges}). */
  static final String LAB_PAUSED = "labflow.lab.paused";
  /** 1 for each lab rolling back or tearing down, {@code labflow_lab_undoing{lab}}. */
  static final String LAB_UNDOING = "labflow.lab.undoing";
  /** 1 for each lab whose workflow task keeps failing, {@code labflow_lab_task_failing{lab}}. */
  static final String LAB_TASK_FAILING = "labflow.lab.task.failing";
  /**
   * 1 for each lab's reset or fleet's night whose workflow task keeps failing, {@code
   * labflow_reset_task_failing{workflow}}.
   */
  static final String RESET_TASK_FAILING = "labflow.reset.task.failing";
  /** Nights a fleet's Schedule did not start, {@code labflow_fleet_nights_skipped{fleet,why}}. */
  static final String FLEET_NIGHTS_SKIPPED = "labflow.fleet.nights.skipped";
  /** 1 for the status of a fleet's newest closed night, {@code labflow_fleet_last_night}. */
  static final String FLEET_LAST_NIGHT = "labflow.fleet.last.night";
  /** 1 while a fleet's Schedule is paused, 0 while active, {@code labflow_fleet_paused{fleet}}. */
  static final String FLEET_PAUSED = "labflow.fleet.paused";
  /** 1 for each lab whose newest run ended holding what it made, {@code labflow_lab_left}. */
  static final String LAB_LEFT = "labflow.lab.left";

  private static final Map<String, String> HELP = Map.ofEntries(
      entry(AWS_CALLS, "AWS API calls made by activities, by outcome (ok or the AWS error code)"),
      entry(LABS, "Open labs by LabState, from Temporal visibility"),
      entry(LAB_PAUSED, "1 for each paused lab, from Temporal visibility"),
      entry(LAB_UNDOING, "1 for each lab rolling back or tearing down, from Temporal visibility"),
      entry(LAB_TASK_FAILING,
          "1 for each lab whose workflow task keeps failing (Temporal's TemporalReportedProblems)"),
      entry(RESET_TASK_FAILING, "1 for each lab's reset or fleet's night whose workflow task keeps"
          + " failing (Temporal's TemporalReportedProblems)"),
      entry(FLEET_NIGHTS_SKIPPED, "Nights the fleet's Schedule did not start since it was created"
          + " (overlap: one still ran; catchup: not started within the catch-up window)"),
      entry(FLEET_LAST_NIGHT, "1 for the status of the fleet's newest night that closed"),
      entry(FLEET_PAUSED,
          "1 while the fleet's Schedule is paused (no night starts), 0 while active"),
      entry(LAB_LEFT, "1 for each lab whose newest run ended holding what it created (terminated,"
          + " timed out, or FAILED in an undo) with no reset or sweep of it completed since"),
      entry(LabMeters.TRANSITIONS, "Lab state changes, counted by the lab's workflow"),
      entry(LabMeters.TIME_IN_STATE, "Time a lab spent in a state, recorded when it leaves it"),
      entry(LabMeters.EXPIRY_WARNINGS,
          "Warnings that a live lab's keep-alive runs out (one a deadline)"),
      entry(LabMeters.FLEET_NIGHT, "Length of a fleet night, start to report"),
      entry(LabMeters.FLEET_NIGHT_LABS, "Labs of the fleet's last night by outcome"),
      entry(LabMeters.FLEET_QUARANTINED, "Labs of the fleet in quarantine after its last night"),
      entry(LabMeters.FLEET_NIGHT_END,
          "When the fleet's last night on this worker ended, epoch seconds"));

  @Override
  public Meter.Id map(Meter.Id id) {
    String help = HELP.get(id.getName());
    return help == null || id.getDescription() != null
        ? id
        : new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), help, id.getType());
  }

  /** In seconds: 1, 5, 15, 30 s; 1, 2, 5, 10, 30 min; 1, 2, 6, 24 h. */
  private static final double[] BUCKETS = LongStream.of(
          1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400)
      .mapToDouble(s -> Duration.ofSeconds(s).toNanos()).toArray();

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("labflow")) {
      return config;
    }
    return DistributionStatisticConfig.builder()
        .percentilesHistogram(false)
        .serviceLevelObjectives(BUCKETS)
        .build()
        .merge(config);
  }
}
