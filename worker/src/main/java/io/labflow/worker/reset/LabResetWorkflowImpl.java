package io.labflow.worker.reset;

import io.labflow.workflows.lab.LabState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/** See {@link LabResetWorkflow}. */
public class LabResetWorkflowImpl implements LabResetWorkflow {

  private static final Logger log = Workflow.getLogger(LabResetWorkflowImpl.class);

  private final ResetActivities quick =
      Workflow.newActivityStub(
          ResetActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
              .build());

  // Teardown and provisioning take minutes on real AWS; heartbeats detect a lost worker quickly.
  private final ResetActivities waiting =
      Workflow.newActivityStub(
          ResetActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setDoNotRetry("LabDidNotComeUp")
                      .build())
              .build());

  private final ActivityStub stepLibrary =
      Workflow.newUntypedActivityStub(
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(30))
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
              .build());

  @Override
  public ResetResult reset(ResetRequest request) {
    if (request == null || request.labId() == null || request.definition() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "a reset needs labId and definition, got " + request, "InvalidRequest");
    }
    String labId = request.labId();
    ResetActivities.TeardownOutcome old = waiting.tearDownOpenRun(new ResetActivities.LabRef(labId));
    String cleanup;
    if (old.runId() == null) {
      log.info("No open run of lab {}: deleting its resources by tag", labId);
      stepLibrary.execute("DeleteLabResources", Map.class, Map.of("labId", labId));
      cleanup = "DELETED_BY_TAG";
    } else if (old.finalState() != LabState.TORN_DOWN && old.finalState() != LabState.ROLLED_BACK) {
      log.warn("Run {} of lab {} ended {}: sweeping by tag", old.runId(), labId, old.finalState());
      stepLibrary.execute("DeleteLabResources", Map.class, Map.of("labId", labId));
      cleanup = "TORN_DOWN+DELETED_BY_TAG";
    } else {
      cleanup = "TORN_DOWN";
    }
    WorkflowInfo info = Workflow.getInfo();
    String requestId = info.getWorkflowId() + "/" + info.getRunId();
    ResetActivities.StartedLab started =
        quick.startLab(new ResetActivities.StartLab(
            labId, request.definition(), request.variant(), request.parameters(), requestId));
    LabState state = waiting.awaitLive(started);
    return new ResetResult(labId, cleanup, old.runId(), started.runId(), state);
  }
}
