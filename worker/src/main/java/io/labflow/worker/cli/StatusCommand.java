package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints a lab's status. */
@Command(name = "status", description = "Prints a lab's steps, states, attempts and errors.")
final class StatusCommand extends BaseCommand {

  @Parameters(paramLabel = "LAB_ID", description = "The lab id.")
  String labId;

  @Option(names = "--json", description = "Print the status query's answer as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (TemporalConnection conn = connect()) {
      LabFollower follower = new LabFollower(conn, out(), Duration.ofSeconds(1));
      DescribeWorkflowExecutionResponse d = follower.describe(labId, null);
      Optional<LabStatus> status = follower.query(labId, null);
      if (json) {
        if (status.isEmpty()) {
          throw new IllegalStateException("lab " + labId + " does not answer its status query"
              + " (is a worker running on task queue " + root().taskQueue() + "?)");
        }
        StatusPrinter.printJson(status.get(), out());
        return 0;
      }
      String execution = d.getWorkflowExecutionInfo().getStatus().name()
          .replace("WORKFLOW_EXECUTION_STATUS_", "");
      out().println("Workflow " + labId + " run " + d.getWorkflowExecutionInfo().getExecution().getRunId()
          + ": " + execution);
      status.ifPresentOrElse(s -> StatusPrinter.print(s, out()),
          () -> out().println("(no status answer: is a worker running on task queue "
              + root().taskQueue() + "?)"));
      d.getPendingActivitiesList().forEach(pa -> out().printf(
          "  pending activity %s attempt %d%s%n", pa.getActivityType().getName(), pa.getAttempt(),
          pa.hasLastFailure() ? " last failure: " + pa.getLastFailure().getMessage() : ""));
      out().println("Web UI: " + conn.uiAddress(labId));
      return 0;
    }
  }
}
