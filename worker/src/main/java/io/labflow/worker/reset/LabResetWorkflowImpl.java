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
  public ResetResult reset(Object input) {
    ResetRequest request = ResetRequestParser.parse(input);
    String labId = request.labId();
    ResetActivities.TeardownOutcome old = waiting.tearDownOpenRun(new ResetActivities.LabRef(labId));
    String cleanup;
    if (old.runId() == null) {
      log.info("No open run of lab {}: deleting its resources by tag", labId);
      cleanup = "DELETED_BY_TAG";
    } else {
      log.info("Run {} of lab {} ended {}; sweeping what still carries the tag", old.runId(), labId,
          old.finalState());
      cleanup = "TORN_DOWN(" + old.finalState() + ")+SWEPT";
    }
    // The sweep also runs after a clean teardown: anything still tagged with the lab (left by a
    // lost run, a failed compensation or a person) would otherwise leak or collide with the fresh
    // lab's names.
    Map<?, ?> swept = stepLibrary.execute("DeleteLabResources", Map.class, Map.of("labId", labId));
    Object remaining = swept == null ? null : swept.get("remaining");
    if (remaining instanceof Map<?, ?> r && !isEmptyInventory(r)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "lab " + labId + " still has tagged resources after the sweep: " + r, "ResetIncomplete");
    }
    Object deleted = swept == null ? null : swept.get("deleted");
    WorkflowInfo info = Workflow.getInfo();
    String requestId = info.getWorkflowId() + "/" + info.getRunId();
    ResetActivities.StartedLab started =
        quick.startLab(new ResetActivities.StartLab(
            labId, request.definition(), request.variant(), request.parameters(), requestId));
    LabState state = waiting.awaitLive(started);
    return new ResetResult(labId, cleanup, deleted instanceof Map<?, ?> d ? summary(d) : "",
        old.runId(), started.runId(), state);
  }

  private static boolean isEmptyInventory(Map<?, ?> inventory) {
    return inventory.values().stream().allMatch(v -> !(v instanceof java.util.Collection<?> c) || c.isEmpty());
  }

  private static String summary(Map<?, ?> inventory) {
    StringBuilder sb = new StringBuilder();
    inventory.forEach((k, v) -> {
      if (v instanceof java.util.Collection<?> c && !c.isEmpty()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(c);
      }
    });
    return sb.length() == 0 ? "nothing" : sb.toString();
  }
}
