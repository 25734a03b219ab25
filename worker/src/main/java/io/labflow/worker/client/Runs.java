package io.labflow.worker.client;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.TemporalFailure;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the server holds of a workflow id: its newest run (one describe), and how a run ended (its
 * closing event).
 */
public final class Runs {
  private Runs() {}

  /**
   * The newest run of a workflow id as it is now; empty when the server has none (never started,
   * or closed past the namespace's retention). The SDK reports NOT_FOUND so and wraps any other
   * gRPC status, which is thrown.
   */
  public static Optional<WorkflowExecutionDescription> newest(WorkflowClient client, String id) {
    try {
      return Optional.of(client.newUntypedWorkflowStub(id).describe());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The running run of a workflow id; empty when none runs. */
  public static Optional<WorkflowExecutionDescription> open(WorkflowClient client, String id) {
    return newest(client, id).filter(Runs::running);
  }

  /**
   * The newest run of a workflow id when it ended other than completed (failed, terminated, timed
   * out, canceled) after {@code since} (null: whenever); a lab's reset or sweep left unfinished.
   */
  public static Optional<WorkflowExecutionDescription> endedUnfinished(WorkflowClient client,
      String id, Instant since) {
    return newest(client, id).filter(r -> r.getCloseTime() != null
        && r.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && (since == null || r.getCloseTime().isAfter(since)));
  }

  public static boolean running(WorkflowExecutionDescription d) {
    return d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /**
   * The failure a run of a workflow id failed with (its closing event, as the SDK reads a result);
   * empty when it has not failed, or is still open. {@code runId} null: the newest run.
   */
  public static Optional<TemporalFailure> failure(WorkflowClient client, String id, String runId) {
    try {
      client.newUntypedWorkflowStub(id, Optional.ofNullable(runId), Optional.empty())
          .getResult(1, TimeUnit.SECONDS, Object.class);
    } catch (TimeoutException stillOpen) {
      return Optional.empty();
    } catch (WorkflowFailedException e) {
      return Optional.ofNullable(e.getCause() instanceof TemporalFailure f ? f : null);
    }
    return Optional.empty();
  }
}
