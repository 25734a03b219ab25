package io.labflow.worker.reset;

import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How a lab's run really ended, read from Temporal when waiting for its result threw. A
 * {@link WorkflowException} from {@code getResult} is not the run's outcome: a long poll cut short
 * by the service (a {@code WorkflowServiceException}, frequent when many labs reset at once) comes
 * while the run is still open or after it completed. So the run's execution status decides, and a
 * closed run's own state is read from its status query or its result.
 */
final class RunEnd {

  private RunEnd() {}

  /**
   * The run's final state, or empty while it is still open (keep waiting).
   *
   * @param query the run's status query (empty when it cannot be answered)
   */
  static Optional<LabState> of(WorkflowStub run, Supplier<Optional<LabStatus>> query) {
    WorkflowExecutionStatus status = run.describe().getStatus();
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          Optional.empty();
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> Optional.of(result(run)
          .or(() -> query.get().map(LabStatus::state))
          // Completed, but neither the query nor the result can be read now: ask again later.
          .orElseThrow(() -> new IllegalStateException(
              "run " + run.getExecution().getRunId()
                  + " completed but its state cannot be read yet")));
      // Cancelled by the reset while provisioning: its compensations ran; its state says how far.
      case WORKFLOW_EXECUTION_STATUS_CANCELED ->
          Optional.of(query.get().map(LabStatus::state).orElse(LabState.FAILED));
      default -> Optional.of(LabState.FAILED);
    };
  }

  private static Optional<LabState> result(WorkflowStub run) {
    try {
      return Optional.of(run.getResult(1, TimeUnit.SECONDS, LabResult.class).state());
    } catch (TimeoutException | WorkflowException e) {
      return Optional.empty();
    }
  }
}
