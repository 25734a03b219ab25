package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.client.WorkflowUpdateHandle;
import java.time.Duration;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "switch-variant",
    description = {
      "Switches a live lab to another variant, follows the switch steps, prints the status.",
      "Exit code: 0 live on the new variant, 1 failed, not live again within --timeout, or the lab",
      "has ended, 2 usage or refused, 4 no worker took or answered it."
    })
final class SwitchVariantCommand extends LabCommand {

  @Parameters(index = "1", paramLabel = "VARIANT", description = "The new variant.")
  String variant;

  @Option(names = "--timeout", defaultValue = "1h",
      description = "How long to follow the switch (e.g. 90s, 10m, 1h; default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    String queue = workerFor(() -> "nothing sent");
    out().println("Switching lab " + labId + " to variant " + variant + "...");
    // Followed while it runs: the Update answers only once the switch steps are done.
    LabStatus before = before(labId);
    WorkflowUpdateHandle<LabStatus> switched =
        taken(queue, labId, "switchVariant", LabStatus.class, variant);
    Predicate<LabStatus> live = s -> s.state() == LabState.LIVE && variant.equals(s.variant());
    LabFollower.Outcome outcome =
        follow(labId, null, before, timeout, live.or(s -> s.state() == LabState.PAUSED));
    if (switched.getResultAsync().isCompletedExceptionally()) {
      switched.getResult();
    }
    if (!outcome.closed() && outcome.state() == LabState.SWITCHING) {
      out().println("Lab " + labId + " is still SWITCHING after " + Durations.format(timeout)
          + "; the switch goes on: labflow status " + labId);
    }
    printWebUi(labId);
    return !outcome.closed() && outcome.status().filter(live).isPresent() ? 0 : 1;
  }
}
