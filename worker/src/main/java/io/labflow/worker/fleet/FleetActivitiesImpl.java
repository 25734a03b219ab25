package io.labflow.worker.fleet;

import io.labflow.worker.client.Runs;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.quotas.QuotaPlanner.NightPlan;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetActivitiesImpl;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.TemporalFailure;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link FleetActivities}. Uses the worker's own Temporal client. */
public record FleetActivitiesImpl(WorkflowClient client, QuotaPlanner quotas)
    implements FleetActivities {

  private static final Logger log = LoggerFactory.getLogger(FleetActivitiesImpl.class);

  private static final java.util.regex.Pattern FIRST_STEP = java.util.regex.Pattern.compile("^step '([^']+)'");

  @Override
  public NightPlan quotaPlan(String fleet, String definition, List<FleetLab> labs,
      boolean allOrNone) {
    try {
      return quotas.night(fleet, definition, labs, allOrNone);
    } catch (RuntimeException e) {
      String why = e instanceof io.temporal.failure.ApplicationFailure af
          ? af.getOriginalMessage() : e.toString();
      log.warn("fleet {}: quotas not checked before the night ({}); each lab's preflight checks"
          + " its own", fleet, why);
      return new NightPlan(List.of(), null, null);
    }
  }

  @Override
  public String runningReset(String labId) {
    // Resets carry the LabId search attribute: a fleet's children, `fleet reset --lab`, and the
    // per-lab Schedules the removed `labflow schedule` made (reset-<labId>) while still on a server.
    // The night's request was read with every lab id checked against the lab-id rule, so the id is
    // safe inside the query.
    return ResetActivitiesImpl.firstRunning(client, "WorkflowType='" + LabResetWorkflow.TYPE
        + "' AND ExecutionStatus='Running' AND LabId='" + labId + "'",
        "resets of lab " + labId + " started outside the fleet");
  }

  /**
   * The failure message of the lab's latest run when it failed, else null (a run still open has
   * none yet); what keeps Temporal from saying is thrown, for the caller to log.
   */
  private String runFailure(String labId) {
    return Runs.failure(client, labId, null).map(TemporalFailure::getOriginalMessage).orElse(null);
  }

  @Override
  public FailedStep failedStep(String labId) {
    try {
      LabStatus status = client.newWorkflowStub(LabWorkflow.class, labId).status();
      if (status.pausedStep() != null) {
        return new FailedStep(status.pausedStep(), status.lastError());
      }
      for (StepStatus s : status.steps()) {
        if (s.state() == StepState.FAILED) {
          return new FailedStep(s.id(), s.lastError() != null ? s.lastError() : status.lastError());
        }
      }
      // A failed step whose rollback failed too shows COMPENSATION_FAILED; the run's own failure
      // names the step that failed first ("step 'role' (CreateRole) failed: ...").
      String failure = runFailure(labId);
      java.util.regex.Matcher m = failure == null ? null : FIRST_STEP.matcher(failure);
      return new FailedStep(m != null && m.find() ? m.group(1) : null,
          failure != null ? failure : status.lastError());
    } catch (RuntimeException e) {
      try (var about = io.labflow.worker.runtime.LabLogFilter.aboutLab(labId)) {
        log.warn("Cannot read the status of lab {}: {}", labId, e.getMessage());
      }
      return new FailedStep(null, null);
    }
  }
}
