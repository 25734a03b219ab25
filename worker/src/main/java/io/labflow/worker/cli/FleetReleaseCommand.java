package io.labflow.worker.cli;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.Fleets;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.fleet.Quarantine;
import io.temporal.client.schedules.ScheduleDescription;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "release", description = {
    "Releases a quarantined lab: the next night resets it again.",
    "The release is written into the fleet's schedule, so it survives worker restarts."})
final class FleetReleaseCommand extends BaseCommand {
  @Parameters(paramLabel = "LAB_ID", description = "The quarantined lab.") String lab;

  @Option(names = "--fleet", paramLabel = "FLEET", description = "The lab's fleet (found when left out).")
  String fleetName;

  @Override
  public Integer call() {
    TemporalConnection conn = connect();
    ScheduleDescription d = fleetName != null ? FleetCommand.describe(conn, fleetName) : findFleetOf(conn, lab);
    FleetRequest request = FleetSchedules.request(d);
    if (request.labs().stream().noneMatch(l -> l.labId().equals(lab))) {
      throw new UsageException("lab '" + lab + "' is not in fleet " + request.fleet());
    }
    FleetStatusCommand.Night last = FleetStatusCommand.lastCompleted(conn, d);
    // Past retention, the night the next one reads is unknown here: a release lifts what it holds.
    boolean unknown = last != null && last.report() == null;
    LabReport report = last == null || unknown ? null : last.report().lab(lab);
    if (!unknown && (report == null || !report.quarantined())) {
      out().println("Lab " + lab + " is not quarantined in fleet " + request.fleet() + "; nothing to release");
      return 1;
    }
    String next = ": the next night resets it (now: labflow fleet reset " + request.fleet()
        + " --lab " + lab + ")";
    // As the night and fleet status read it: a release written after the quarantine lifted it.
    if (!unknown && !Quarantine.before(report, request.releases().get(lab)).quarantined()) {
      out().println("Lab " + lab + " of fleet " + request.fleet() + " is already released" + next);
      return 0;
    }
    long now = System.currentTimeMillis();
    FleetSchedules.update(conn.schedules().getHandle(d.getId()), cur -> new FleetSchedules.Content(
        cur.when(), cur.request().withRelease(lab, now), cur.taskQueue()));
    out().println("Released lab " + lab + " of fleet " + request.fleet() + next);
    if (unknown) {
      out().println("  Night " + last.workflowId() + " is " + last.failure()
          + ": whether it quarantined the lab is unknown here; the release lifts it if so");
    }
    return 0;
  }

  private static ScheduleDescription findFleetOf(TemporalConnection conn, String lab) {
    List<ScheduleDescription> holding = Fleets.all(conn.schedules()).stream().filter(d -> {
      try {
        return FleetSchedules.request(d).labs().stream().anyMatch(l -> l.labId().equals(lab));
      } catch (UsageException unreadable) {
        return false;
      }
    }).toList();
    if (holding.isEmpty()) {
      throw new IllegalArgumentException("lab '" + lab + "' is in no fleet");
    }
    if (holding.size() > 1) {
      throw new UsageException("lab '" + lab + "' is in several fleets; say which with --fleet");
    }
    return holding.get(0);
  }
}
