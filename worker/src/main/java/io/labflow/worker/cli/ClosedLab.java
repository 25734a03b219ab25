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
 * tiers-2 is already torn down (run 01a2...)}, exit code 2.
 */
final class ClosedLab {

  private ClosedLab() {}

  /** Runs a call to an open lab; a lab that is not open becomes a {@link UsageException}. */
  static <T> T guard(WorkflowClient client, String labId, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw new UsageException(sentence(client, labId));
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new UsageException(sentence(client, labId));
      }
      throw e;
    }
  }

  /** What became of the lab's last run. */
  static String sentence(WorkflowClient client, String labId) {
    WorkflowExecutionDescription d;
    try {
      d = client.newUntypedWorkflowStub(labId).describe();
    } catch (RuntimeException e) {
      return "there is no lab " + labId + " (no run with that workflow id); start it with"
          + " `labflow run` or from the Web UI";
    }
    String run = " (run " + d.getExecution().getRunId() + ")";
    String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
    WorkflowExecutionStatus status = d.getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return "lab " + labId + " is running but did not take the request" + run;
    }
    if (state != null) {
      return switch (state) {
        case "TORN_DOWN" -> "lab " + labId + " is already torn down" + run;
        case "ROLLED_BACK" -> "lab " + labId + " already ended: it was rolled back" + run;
        case "COMPLETED" -> "lab " + labId + " already completed" + run;
        case "FAILED" ->
            "lab " + labId + " already ended in failure" + run + "; see `labflow status " + labId + "`";
        default -> "lab " + labId + " already ended (" + closed(status) + ", last state " + state + ")" + run;
      };
    }
    return "lab " + labId + " already ended (" + closed(status) + ")" + run;
  }

  private static String closed(WorkflowExecutionStatus s) {
    return s.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
