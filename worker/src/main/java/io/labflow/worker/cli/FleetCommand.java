package io.labflow.worker.cli;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetActivitiesImpl;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fleet",
    description = {
      "Manages fleets: a class of labs reset every night by one Temporal Schedule (fleet-<name>).",
      "Exit codes: 0 done, 1 failed (invalid file, not found, refused), 2 usage error,",
      "4 no worker polls the task queue (a reset or teardown is recorded and runs when one does)."
    },
    subcommands = {
      FleetCommand.Validate.class, FleetApplyCommand.class, FleetListCommand.class,
      FleetStatusCommand.class,
      FleetCommand.Reset.class, FleetCommand.Pause.class, FleetCommand.Unpause.class,
      FleetReleaseCommand.class, FleetDeleteCommand.class
    })
final class FleetCommand extends BaseCommand {

  /**
   * The schedule of a fleet named on the command line, described; a sentence when it is missing
   * or not a fleet's (labflow changes no schedule it did not make).
   */
  static ScheduleDescription describe(TemporalConnection conn, String name) {
    ScheduleDescription d;
    try {
      d = conn.schedules().getHandle(Fleet.scheduleId(name)).describe();
    } catch (RuntimeException e) {
      if (TemporalConnection.notFound(e)) {
        throw new IllegalArgumentException("no fleet '" + name + "' (no schedule "
            + Fleet.scheduleId(name) + "); create it with labflow fleet apply FILE");
      }
      throw e;
    }
    FleetSchedules.action(d);
    return d;
  }

  @Command(name = "validate", description = {
      "Checks fleet files, and each against its step file, without contacting Temporal or AWS.",
      "Shows what the labs count against AWS quotas (against the account's with --quotas),",
      "their parameters bound as the worker binds them (with the site parameters given).",
      "Prints every problem as FILE:LINE:COLUMN: path: message. Exit code: 0 all valid, 1 any invalid."})
  static final class Validate extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Fleet files.") List<Path> files;

    @Option(names = "--quotas", description = "Read the AWS account's quotas and usage and show"
        + " the fleet's need against them.")
    boolean quotas;

    @Mixin SiteParametersOption siteParameters;

    @Override
    public Integer call() {
      SiteParameters site = siteParameters.parseOrRefuse();
      int invalid = 0;
      for (Path file : files) {
        FleetFiles.Checked c = FleetFiles.check(file, root().definitions);
        if (c.ok()) {
          Fleet f = c.fleetOrNull();
          out().printf("%s: valid (fleet %s: %d labs of %s, \"%s\" %s, concurrency %d, quarantine after %d)%n",
              file, f.name(), f.labs().size(), f.definition(), f.schedule().cron(), f.schedule().timeZone(),
              f.concurrency(), f.quarantineAfter());
          QuotaLines.print(out(), root().definitions,
              QuotaPlanner.needs(c.definitionOrNull(), root().definitions, f.labs(), site), quotas,
              List.of());
        } else {
          c.problems().forEach(out()::println);
          invalid++;
        }
      }
      return invalid == 0 ? 0 : 1;
    }
  }

  abstract static class OnFleet extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FLEET", description = "The fleet's name.") String name;

    /**
     * Does {@code what} to the fleet's schedule, then says it is {@code done}; one already
     * {@code paused} (or not) is left as it is, saying so: its note says why it was paused.
     */
    int onSchedule(ScheduleDescription d, boolean paused, String done,
        Consumer<ScheduleHandle> what) {
      if (d.getSchedule().getState().isPaused() == paused) {
        out().println(d.getId() + " is already " + FleetSchedules.state(d) + "; nothing changed");
        return 0;
      }
      what.accept(connect().schedules().getHandle(d.getId()));
      out().println(done + " " + d.getId());
      return 0;
    }
  }

  @Command(name = "reset", description = {
      "Runs the fleet's night now (skipped if one is running), or with --lab resets one lab of it now."})
  static final class Reset extends OnFleet {
    @Option(names = "--lab", paramLabel = "LAB_ID", description = "Reset only this lab.") String lab;

    @Option(names = "--wait", paramLabel = "DURATION", description = "With --lab: follow the reset"
        + " until it ends, at most this long (e.g. 30m), saying what it waits for; exit 0 the lab"
        + " is up again, 1 the reset failed or still runs.")
    Duration wait;

    @Override
    public Integer call() {
      if (wait != null && lab == null) {
        throw new UsageException("--wait follows the reset of one lab: give --lab too");
      }
      TemporalConnection conn = connect();
      ScheduleDescription d = describe(conn, name);
      String queue = FleetSchedules.taskQueue(d);
      if (lab == null) {
        boolean polled = root().polled.test(conn, queue);
        conn.schedules().getHandle(d.getId()).trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
        out().println("Triggered " + d.getId() + " (skipped if a night is already running)");
        if (!polled) {
          // The trigger starts the night's workflow on the server: durable, waiting for a worker.
          throw new NoWorker(queue, "the night is recorded (the Schedule started it) and runs when a worker polls");
        }
        return 0;
      }
      FleetRequest fleet = FleetSchedules.request(d);
      FleetLab l = fleet.labs().stream().filter(x -> x.labId().equals(lab)).findFirst()
          .orElseThrow(() -> new UsageException("lab '" + lab + "' is not in fleet " + name));
      return ResetFollow.start(this, fleet.resetOf(l), "labflow fleet reset --lab",
          "is torn down and provisioned afresh", wait);
    }
  }

  @Command(name = "pause", description = {
      "Pauses the fleet's schedule (no nights run until unpause; fleet reset still runs one).",
      "A paused schedule keeps the note that says why, unless --note replaces it."})
  static final class Pause extends OnFleet {
    @Option(names = "--note", description = "Why (default: paused with labflow); on a paused"
        + " fleet, it replaces the note.") String note;

    @Override
    public Integer call() {
      ScheduleDescription d = describe(connect(), name);
      String was = d.getSchedule().getState().getNote();
      if (note == null || !d.getSchedule().getState().isPaused() || note.equals(was)) {
        return onSchedule(d, true, "Paused",
            schedule -> schedule.pause(note == null ? "paused with labflow" : note));
      }
      connect().schedules().getHandle(d.getId()).pause(note);
      out().println(d.getId() + " was already paused; its note is now: " + note + " (was: " + was
          + ")");
      return 0;
    }
  }

  @Command(name = "unpause", description = {
      "Resumes the fleet's paused schedule; an active one is left as it is."})
  static final class Unpause extends OnFleet {
    @Override
    public Integer call() {
      return onSchedule(describe(connect(), name), false, "Unpaused",
          schedule -> schedule.unpause("unpaused with labflow"));
    }
  }
}
