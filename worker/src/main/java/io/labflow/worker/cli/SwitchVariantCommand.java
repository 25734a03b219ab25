package io.labflow.worker.cli;

import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Switches a live lab to another variant (an update that returns when the switch is done). */
@Command(name = "switch-variant",
    description = "Switches a live lab to another variant, waits for the switch steps, prints the status.")
final class SwitchVariantCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "LAB_ID", description = "The lab id.")
  String labId;

  @Parameters(index = "1", paramLabel = "VARIANT", description = "The new variant.")
  String variant;

  @Override
  public Integer call() {
    try (TemporalConnection conn = connect()) {
      out().println("Switching lab " + labId + " to variant " + variant + "...");
      out().flush();
      LabStatus status = ClosedLab.guard(conn.client(), labId,
          () -> conn.client().newWorkflowStub(LabWorkflow.class, labId).switchVariant(RawJson.of(variant)));
      StatusPrinter.print(status, out());
      out().println("Web UI: " + conn.uiAddress(labId));
      return status.state() == io.labflow.workflows.lab.LabState.LIVE ? 0 : 1;
    }
  }
}
