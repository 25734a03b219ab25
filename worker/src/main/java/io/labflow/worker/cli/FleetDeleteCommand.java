package io.labflow.worker.cli;

import io.labflow.worker.client.Runs;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.Fleets;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.lab.LabIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete", description = {
    "Deletes the fleet's schedule. The labs are left as they are unless --teardown-labs is given.",
    "With --teardown-labs, one line per lab; a lab already torn down, rolled back or never run is done;",
    "refused, changing nothing, while a night of the fleet or a reset of one of its labs runs.",
    "Exit code: 0 done, 1 refused or a lab's teardown failed, 4 no worker polls (teardowns recorded)."})
final class FleetDeleteCommand extends FleetCommand.OnFleet {

  /** The line of a lab this command tore down. */
  private static final String TORN_DOWN = "torn down";

  @Option(names = "--teardown-labs", description = "Also tear every lab of the fleet down.") boolean teardown;

  @Override
  public Integer call() {
    TemporalConnection conn = connect();
    ScheduleDescription d = FleetCommand.describe(conn, name);
    FleetRequest request = FleetSchedules.request(d);
    ScheduleHandle schedule = conn.schedules().getHandle(d.getId());
    List<String> running;
    if (teardown) {
      // Checked with the schedule paused: no night starts between the check and the delete.
      running = FleetSchedules.deleteUnlessRunning(schedule, paused -> running(conn, paused, request));
      if (!running.isEmpty()) {
        throw new IllegalStateException("fleet " + name + " is not deleted and no lab is torn"
            + " down: still running: " + String.join(", ", running) + " (a reset that ends after"
            + " its lab's teardown starts the lab again); wait until they end (labflow fleet"
            + " status " + name + "), then delete again");
      }
    } else {
      running = running(conn, d, request);
      schedule.delete();
    }
    out().println("Deleted " + d.getId() + (teardown ? "" : "; its " + request.labs().size()
        + " labs are left as they are" + (running.isEmpty() ? "" : "; the delete does not stop"
        + " what still runs: " + String.join(", ", running))));
    if (!teardown) {
      return 0;
    }
    int tornDown = 0;
    int failed = 0;
    int recorded = 0;
    // The command's own teardown, over this command line's connection and options.
    CommandLine one = spec.root().commandLine().getSubcommands().get("teardown");
    for (FleetLab l : request.labs()) {
      StringWriter said = new StringWriter();
      int code;
      try (PrintWriter to = new PrintWriter(said, true)) {
        one.setOut(to);
        one.setErr(to);
        code = one.execute(l.labId());
      } finally {
        one.setOut(out());
        one.setErr(err());
      }
      if (root().debug != null) {
        err().print(said);
      }
      // A fleet deleted before its first night has labs that never ran: nothing to tear down.
      boolean neverRan = code == 1 && neverRan(conn.client(), l.labId());
      String line = neverRan ? "never ran; nothing to tear down" : oneLine(code, said.toString());
      tornDown += code == 0 && line.equals(TORN_DOWN) ? 1 : 0;
      failed += code == 0 || code == NoWorker.EXIT_CODE || neverRan ? 0 : 1;
      recorded += code == NoWorker.EXIT_CODE ? 1 : 0;
      out().println("  " + l.labId() + ": " + line);
      out().flush();
    }
    int down = request.labs().size() - failed - recorded - tornDown;
    out().println("Tore down " + tornDown + " of " + request.labs().size() + " labs"
        + (down == 0 ? "" : "; " + down + " had nothing left to tear down")
        + (recorded == 0 ? "" : "; " + recorded + " recorded")
        + (failed == 0 ? "" : "; " + failed + " failed"));
    return failed > 0 ? 1 : recorded > 0 ? NoWorker.EXIT_CODE : 0;
  }

  /**
   * The fleet's night and the resets of its labs that run now: deleting the schedule stops
   * neither, and a reset that tears its lab down after the lab's own teardown starts it afresh,
   * a live lab no fleet owns. A fleet's resets all have the id {@code reset-<labId>}, read as
   * they are now (visibility can lag behind a reset started a moment ago).
   */
  private static List<String> running(TemporalConnection conn, ScheduleDescription d,
      FleetRequest request) {
    return Stream.concat(
        Fleets.running(d).stream(),
        request.labs().stream().map(l -> LabIds.resetId(l.labId()))
            .filter(id -> Runs.open(conn.client(), id).isPresent())).toList();
  }

  /** Whether the lab has no run at all, not even one past (a describe says not found). */
  private static boolean neverRan(WorkflowClient client, String labId) {
    try {
      client.newUntypedWorkflowStub(labId).describe();
      return false;
    } catch (RuntimeException e) {
      return TemporalConnection.notFound(e);
    }
  }

  /**
   * The one line that says what a lab's teardown did: its last words, or the sentence of its
   * failure (with --debug, a stack trace follows it).
   */
  static String oneLine(int code, String said) {
    List<String> lines = said.lines().map(String::strip)
        .filter(x -> !x.isEmpty() && !x.startsWith("Web UI:")).toList();
    String last = lines.isEmpty() ? "exit code " + code : lines.get(lines.size() - 1);
    if (code == 0 && !last.contains("already")) {
      return TORN_DOWN;
    }
    return lines.stream().filter(x -> x.startsWith("labflow: ")).reduce((a, b) -> b)
        .map(x -> x.substring("labflow: ".length())).orElse(last);
  }
}
