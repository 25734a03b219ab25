package io.labflow.worker.fleet;

import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link FleetActivities}. Uses the worker's own Temporal client. */
public class FleetActivitiesImpl implements FleetActivities {

  private static final Logger log = LoggerFactory.getLogger(FleetActivitiesImpl.class);

  private final WorkflowClient client;

  public FleetActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public String runningReset(String labId) {
    if (!DefinitionActivitiesImpl.LAB_ID.matcher(labId).matches()) {
      return null;
    }
    // Resets carry the LabId search attribute (the fleet's children and the per-lab schedules).
    String query = "WorkflowType='" + LabResetWorkflow.TYPE + "' AND ExecutionStatus='Running' AND LabId='"
        + labId + "'";
    List<WorkflowExecutionMetadata> running = client.listExecutions(query).limit(1).toList();
    return running.isEmpty() ? null : running.get(0).getExecution().getWorkflowId();
  }

  @Override
  public FailedStep failedStep(String labId) {
    try {
      LabStatus status = client.newWorkflowStub(LabWorkflow.class, labId).status();
      if (status == null) {
        return new FailedStep(null, null);
      }
      if (status.pausedStep() != null) {
        return new FailedStep(status.pausedStep(), status.lastError());
      }
      for (StepStatus s : status.steps()) {
        if (s.state() == StepState.FAILED) {
          return new FailedStep(s.id(), s.lastError() != null ? s.lastError() : status.lastError());
        }
      }
      return new FailedStep(null, status.lastError());
    } catch (RuntimeException e) {
      log.info("Cannot read the status of lab {}: {}", labId, e.getMessage());
      return new FailedStep(null, null);
    }
  }
}
