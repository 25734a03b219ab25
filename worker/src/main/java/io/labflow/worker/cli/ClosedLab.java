package io.labflow.worker.cli;

import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A request to a lab whose run has ended (or that never ran), told as a sentence: {@code lab
 * tiers-2 is already torn down (run 01a2...)}, exit code 1. It is not a usage error: the same
 * command was right while the lab ran, and cleanup scripts tell the cases apart by {@link
 * #state}.
 */
final class ClosedLab extends RuntimeException {

  /** How a lab whose run ended in this {@code LabState} is told. */
  private static final Map<String, String> ENDED = Map.of("TORN_DOWN", "is already torn down",
      "ROLLED_BACK", "already ended: it was rolled back", "COMPLETED", "already completed",
      "FAILED", "already ended in failure");

  /** The lab's last {@code LabState}, or null when unknown or when there is no lab. */
  final String state;

  ClosedLab(String message, String state) {
    super(message);
    this.state = state;
  }

  /** Runs a call to an open lab; a lab that is not open becomes a {@link ClosedLab}. */
  static <T> T guard(WorkflowClient client, String labId, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw TemporalConnection.notFound(e) ? of(client, labId) : e;
    }
  }

  /** The task queue of the lab's open run; a lab without one is a {@link ClosedLab}. */
  static String openRunQueue(WorkflowClient client, String labId) {
    return Runs.open(client, labId).orElseThrow(() -> of(client, labId))
        .getTaskQueue();
  }

  /** What became of the lab's last run. */
  private static ClosedLab of(WorkflowClient client, String labId) {
    WorkflowExecutionDescription d;
    try {
      d = client.newUntypedWorkflowStub(labId).describe();
    } catch (RuntimeException e) {
      if (TemporalConnection.namespaceMissing(e)) {
        throw new IllegalStateException(TemporalConnection.noNamespace(
            client.getWorkflowServiceStubs(), client.getOptions().getNamespace()));
      }
      // A fleet's first night resets a lab before it has run: the reset starts it.
      return new ClosedLab(StatusCommand.runningReset(client, labId)
          .map(reset -> "lab " + labId + " has not run yet; its reset starts it. " + reset)
          .orElse("no lab `" + labId + "` in namespace `" + client.getOptions().getNamespace()
              + "` (no run with that workflow id); start it with `labflow run` or from the Web UI"),
          null);
    }
    String run = " (run " + d.getExecution().getRunId() + ")";
    String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
    String closed = StatusPrinter.name(d.getStatus()).toLowerCase(Locale.ROOT).replace('_', ' ');
    String ended = d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        ? "is running but did not take the request" : ENDED.getOrDefault(String.valueOf(state),
            "already ended (" + closed + (state == null ? "" : ", last state " + state) + ")");
    return new ClosedLab("lab " + labId + " " + ended + run
        + ("FAILED".equals(state) ? "; see `labflow status " + labId + "`" : ""), state);
  }
}
