package io.labflow.worker.reset;

import io.labflow.workflows.lab.LabState;
import io.temporal.activity.ActivityInterface;
import java.util.Map;

/** The client-side steps of a reset: they talk to Temporal about the lab's own run. */
@ActivityInterface(namePrefix = "labflow.Reset.")
public interface ResetActivities {

  /**
   * Tears down the open run of a lab, if any, through its {@code teardown} update (cancelling it
   * when it is neither live nor paused), and waits for it to close, heartbeating; a run still open
   * one heartbeat timeout before the activity's StartToClose timeout fails it {@code
   * ResetIncomplete}, saying what it waited for and how long.
   */
  TeardownOutcome tearDownOpenRun(LabRef lab);

  /**
   * Starts a fresh {@code LabWorkflow} run with workflow id = lab id. Idempotent: a retry with the
   * same request id adopts the run it started.
   */
  StartedLab startLab(StartLab start);

  /**
   * Waits, heartbeating, until the run is live or closed; fails {@code LabDidNotComeUp} if it did
   * not come up, or is not up one heartbeat timeout before the activity's StartToClose timeout.
   */
  LabState awaitLive(StartedLab lab);

  record LabRef(String labId) {}

  /**
   * What tearing down found.
   *
   * @param runId the run that was open, or null when none was
   * @param finalState its final lab state, or null
   */
  record TeardownOutcome(String runId, LabState finalState) {}

  /** A start request; {@code requestId} makes retries idempotent. */
  record StartLab(
      String labId,
      String definition,
      String variant,
      Map<String, Object> parameters,
      String requestId) {}

  record StartedLab(String labId, String runId) {}
}
