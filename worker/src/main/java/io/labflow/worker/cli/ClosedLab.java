package io.labflow.worker.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A request to a lab whose run has ended (or that never ran), told as a sentence: {@code lab
 * tiers-2 is already torn down (run 01a2...)}, exit code 1. It is not a usage error: the same
 * command was right while the lab ran, and cleanup scripts tell the cases apart by {@link
 * Ended#state()}.
 */
final class ClosedLab {

  private ClosedLab() {}

  /** The lab's run has ended, or there never was one ({@code state} null). */
  static final class Ended extends RuntimeException {
    private final String state;

    Ended(String message, String state) {
      super(message);
      this.state = state;
    }

    /** The lab's last {@code LabState}, or null when unknown or when there is no lab. */
    String state() {
      return state;
    }
  }

  /** Runs a call to an open lab; a lab that is not open becomes an {@link Ended}. */
  static <T> T guard(WorkflowClient client, String labId, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw ended(client, labId);
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw ended(client, labId);
      }
      throw e;
    }
  }

  /** The task queue of the lab's open run; a lab without one is an {@link Ended}. */
  static String openRunQueue(WorkflowClient client, String labId) {
    WorkflowExecutionDescription d =
        guard(client, labId, () -> client.newUntypedWorkflowStub(labId).describe());
    if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw ended(client, labId);
    }
    return d.getTaskQueue();
  }

  /** What became of the lab's last run. */
  private static Ended ended(WorkflowClient client, String labId) {
    WorkflowExecutionDescription d;
    try {
      d = client.newUntypedWorkflowStub(labId).describe();
    } catch (RuntimeException e) {
      return new Ended(noLab(client, labId), null);
    }
    String run = " (run " + d.getExecution().getRunId() + ")";
    String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
    WorkflowExecutionStatus status = d.getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new Ended("lab " + labId + " is running but did not take the request" + run, state);
    }
    return new Ended(state == null ? "lab " + labId + " already ended (" + closed(status) + ")" + run
        : switch (state) {
          case "TORN_DOWN" -> "lab " + labId + " is already torn down" + run;
          case "ROLLED_BACK" -> "lab " + labId + " already ended: it was rolled back" + run;
          case "COMPLETED" -> "lab " + labId + " already completed" + run;
          case "FAILED" ->
              "lab " + labId + " already ended in failure" + run + "; see `labflow status " + labId + "`";
          default -> "lab " + labId + " already ended (" + closed(status) + ", last state " + state + ")" + run;
        }, state);
  }

  /** The sentence for a lab id that has no run at all. */
  static String noLab(WorkflowClient client, String labId) {
    return "no lab `" + labId + "` in namespace `" + client.getOptions().getNamespace()
        + "` (no run with that workflow id); start it with `labflow run` or from the Web UI";
  }

  private static String closed(WorkflowExecutionStatus s) {
    return BaseCommand.name(s).toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
