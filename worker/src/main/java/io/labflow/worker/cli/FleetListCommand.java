package io.labflow.worker.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.labflow.worker.cli.FleetStatusCommand.When;
import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetDetails;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.Fleets;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.schedules.ScheduleDescription;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = {
    "Lists the fleets of the namespace, a line each.",
    "Each says its schedule (active, or paused with its note), next night, labs, latest night and",
    "the nights its schedule did not start."})
final class FleetListCommand extends BaseCommand {

  @Option(names = "--json", description = "Print JSON for scripts.") boolean json;

  /**
   * A fleet's line; {@code labs} is -1 when its schedule holds a request this labflow cannot read,
   * {@code latestNight} null before its first night.
   */
  record Line(String fleet, When schedule, String definition, int labs, Latest latestNight) {}

  /**
   * A night's status as the server has it ({@code NOT FOUND} past its namespace's retention),
   * whether its workflow task is failing (as {@code fleet status} tells it), and the totals of its
   * report once it completed (null before).
   */
  record Latest(String workflowId, String status, boolean taskFailing,
      @JsonInclude(JsonInclude.Include.NON_NULL) String totals) {
    String said() {
      return status + (taskFailing ? ", TASK FAILING" : "") + (totals == null ? "" : ": " + totals);
    }
  }

  @Override
  public Integer call() {
    TemporalConnection conn = connect();
    List<Line> lines = Fleets.all(conn.schedules()).stream().map(d -> line(conn, d)).toList();
    if (json) {
      StatusPrinter.printJson(lines, out());
      return 0;
    }
    if (lines.isEmpty()) {
      out().println("No fleet in namespace " + conn.namespace()
          + "; create one with labflow fleet apply FILE");
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"FLEET", "SCHEDULE", "NEXT NIGHT", "LABS", "LATEST NIGHT", "STATUS",
        "NOT STARTED"});
    for (Line l : lines) {
      When s = l.schedule();
      rows.add(new String[] {l.fleet(), FleetSchedules.state(s.paused(), s.note()),
          s.next().isEmpty() ? "-" : s.next(),
          l.labs() < 0 ? "?" : l.labs() + " of " + l.definition(),
          l.latestNight() == null ? "-" : l.latestNight().workflowId(),
          l.latestNight() == null ? "" : l.latestNight().said(), s.notStarted()});
    }
    FleetDetails.columns(rows).forEach(out()::println);
    if (lines.stream().anyMatch(l -> l.latestNight() != null && l.latestNight().taskFailing())) {
      out().println("TASK FAILING: the night's workflow task keeps failing, and it resets"
          + " nothing; labflow fleet status FLEET says why");
    }
    if (lines.stream().anyMatch(l -> l.schedule().paused())) {
      out().println(FleetStatusCommand.WHILE_PAUSED + "FLEET");
    }
    out().println("Each fleet's nights and labs: labflow fleet status FLEET");
    return 0;
  }

  private static Line line(TemporalConnection conn, ScheduleDescription d) {
    FleetRequest request;
    try {
      request = FleetSchedules.request(d);
    } catch (UsageException unreadable) {
      request = null;
    }
    List<String> nights = Fleets.nights(d);
    return new Line(Fleets.name(d), When.of(d), request == null ? null : request.definition(),
        request == null ? -1 : request.labs().size(),
        nights.isEmpty() ? null : latest(conn, nights.get(nights.size() - 1)));
  }

  private static Latest latest(TemporalConnection conn, String workflowId) {
    return Runs.newest(conn.client(), workflowId).map(d -> new Latest(workflowId,
        StatusPrinter.name(d.getStatus()), FailingTask.failures(d.getRawDescription()) > 0,
        d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
            ? FleetDetails.totals(conn.client().newUntypedWorkflowStub(workflowId)
                .getResult(FleetReport.class)) : null))
        .orElseGet(() -> new Latest(workflowId, "NOT FOUND", false, null)); // past retention
  }
}
