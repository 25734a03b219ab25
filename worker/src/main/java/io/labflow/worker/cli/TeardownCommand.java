package io.labflow.worker.cli;

import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Tears a live or paused lab down and waits for the run to close. */
@Command(name = "teardown",
    description = "Tears a live or paused lab down (every compensation, in reverse order).")
final class TeardownCommand extends BaseCommand {

  @Parameters(paramLabel = "LAB_ID", description = "The lab id.")
  String labId;

  @Option(names = "--wait-minutes", defaultValue = "60",
      description = "How long to wait for the run to close (default ${DEFAULT-VALUE}).")
  long waitMinutes;

  @Override
  public Integer call() throws Exception {
    try (TemporalConnection conn = connect()) {
      out().println("Tearing lab " + labId + " down...");
      out().flush();
      LabStatus status = ClosedLab.guard(conn.client(), labId,
          () -> conn.client().newWorkflowStub(LabWorkflow.class, labId).teardown(null));
      WorkflowStub untyped = conn.client().newUntypedWorkflowStub(labId);
      LabResult result = untyped.getResult(waitMinutes, TimeUnit.MINUTES, LabResult.class);
      LabStatus fin = new LabStatus(result.labId(), status.definition(), status.variant(),
          result.state(), result.steps(), null, status.lastError());
      StatusPrinter.print(fin, out());
      out().println("Web UI: " + conn.uiAddress(labId));
      return result.state() == LabState.TORN_DOWN ? 0 : 1;
    }
  }
}
