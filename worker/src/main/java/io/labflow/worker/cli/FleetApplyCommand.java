package io.labflow.worker.cli;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.Fleet;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apply", description = {
    "Creates the fleet's schedule, or updates it in place to match the file.",
    "Applying an unchanged file changes nothing; releases and pause state are kept."})
final class FleetApplyCommand extends BaseCommand {
  @Parameters(paramLabel = "FILE", description = "The fleet file.") Path file;

  @Option(names = "--paused", description = "Create the schedule paused.") boolean paused;

  @Override
  public Integer call() {
    FleetFiles.Checked c = FleetFiles.check(file, root().definitions);
    if (!c.ok()) {
      c.problems().forEach(err()::println);
      return 1;
    }
    Fleet fleet = c.fleetOrNull();
    String id = Fleet.scheduleId(fleet.name());
    String what = String.format("%d labs of %s at \"%s\" %s, %d at a time", fleet.labs().size(),
        fleet.definition(), fleet.schedule().cron(), fleet.schedule().timeZone(), fleet.concurrency());
    TemporalConnection conn = connect();
    try {
      conn.schedules().createSchedule(id, new FleetSchedules.Content(fleet.schedule(),
              FleetRequest.of(fleet, Map.of()), root().taskQueue).schedule(ScheduleState
              .newBuilder().setPaused(paused).setNote(paused ? "created paused" : "").build()),
          ScheduleOptions.newBuilder().setMemo(Map.of(FleetSchedules.FLEET_MEMO, fleet.name())).build());
      out().println("Created schedule " + id + ": " + what + (paused ? " (paused)" : ""));
      return 0;
    } catch (ScheduleAlreadyRunningException e) {
      // Exists: update in place below.
    }
    boolean updated = FleetSchedules.update(conn.schedules().getHandle(id),
        now -> new FleetSchedules.Content(fleet.schedule(),
            FleetRequest.of(fleet, now.request().releases()), root().taskQueue));
    out().println((updated ? "Updated" : "Unchanged") + " schedule " + id + ": " + what + (paused
        ? "; its pause state is kept (--paused pauses a new schedule only; to pause this one:"
        + " labflow fleet pause " + fleet.name() + ")" : ""));
    return 0;
  }
}
