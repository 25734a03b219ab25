package io.labflow.worker.reset;

import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabResources;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/** See {@link LabResetWorkflow}. */
public class LabResetWorkflowImpl implements LabResetWorkflow {

  private static final Logger log = Workflow.getLogger(LabResetWorkflowImpl.class);
  /** Version marker: the lab's resources are read before the teardown (added later). */
  static final String READ_BEFORE_TEARDOWN = "read-before-teardown";
  /** Version marker: the request is resolved and bound before the lab is touched (added later). */
  static final String BIND_BEFORE_TEARDOWN = "bind-before-teardown";

  // The resolver every lab start runs, with the lab's own options: a request the fresh lab would
  // refuse (unknown definition, variant or parameter, a value of the wrong type, a refused account)
  // stops the reset while the old lab is still up.
  private final DefinitionActivities resolver =
      Workflow.newLocalActivityStub(DefinitionActivities.class, DefinitionActivities.OPTIONS);

  private final ResetActivities quick = Workflow.newActivityStub(ResetActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
          .build());

  // Teardown and provisioning take minutes on real AWS; heartbeats detect a lost worker quickly.
  private static final ActivityOptions WAITING = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1))
          .setDoNotRetry(FailureTypes.LAB_DID_NOT_COME_UP).build())
      .build();

  private static final ActivityOptions STEP_LIBRARY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(Duration.ofMinutes(2))
      .setRetryOptions(
          RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
      .build();

  /** How long before the run's timeout its activities end, so that it ends with their sentence. */
  private static final Duration RUN_MARGIN = Duration.ofMinutes(1);

  private final ActivityStub stepLibrary = Workflow.newUntypedActivityStub(STEP_LIBRARY);

  @Override
  public ResetResult reset(RawValue input) {
    try {
      return rebuild(input);
    } catch (ActivityFailure failed) {
      throw ownSentence(failed);
    }
  }

  /**
   * The failure a reset ends with when one of its activities failed: the innermost application
   * failure's own sentence and type at the top (not Temporal's "Activity task failed"),
   * non-retryable, with the activity failure kept as the cause for its details.
   */
  private static TemporalFailure ownSentence(ActivityFailure failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root instanceof ApplicationFailure own
        ? ApplicationFailure.newNonRetryableFailureWithCause(
            own.getOriginalMessage(), own.getType(), failure)
        : failure;
  }

  /**
   * The waiting activities, their StartToClose timeout cut to end {@link #RUN_MARGIN} before the
   * run's: their waits (which end before it, {@code Waiting}) then end the reset with their own
   * sentence of what they waited for, not the run's bare timeout.
   */
  private static ResetActivities waiting() {
    return Workflow.newActivityStub(ResetActivities.class, ActivityOptions.newBuilder(WAITING)
        .setStartToCloseTimeout(beforeTheRunEnds(WAITING.getStartToCloseTimeout())).build());
  }

  /** {@code most}, or less: what is left of the run until {@link #RUN_MARGIN} before its end. */
  static Duration beforeTheRunEnds(Duration most) {
    WorkflowInfo info = Workflow.getInfo();
    Duration run = info.getWorkflowRunTimeout();
    if (run == null || run.isZero()) {
      return most;
    }
    Duration left = Duration.ofMillis(info.getRunStartedTimestampMillis() + run.toMillis()
        - Workflow.currentTimeMillis()).minus(RUN_MARGIN);
    return left.compareTo(most) >= 0 ? most : left.compareTo(Duration.ofSeconds(1)) < 0
        ? Duration.ofSeconds(1) : left;
  }

  private ResetResult rebuild(RawValue input) {
    ResetRequest request = ResetRequest.parse(input);
    String labId = request.labId();
    String what = request.sweepOnly() ? "sweep" : "reset";
    // A sweep starts no lab, so it has no request to bind.
    if (Workflow.getVersion(BIND_BEFORE_TEARDOWN, Workflow.DEFAULT_VERSION, 1) >= 1
        && !request.sweepOnly()) {
      resolver.resolve(new LabRequest(
          request.definition(), request.variant(), labId, request.parameters(), null));
    }
    if (Workflow.getVersion(READ_BEFORE_TEARDOWN, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // Read the lab's resources before touching it: if they cannot all be read, the sweep after
      // the teardown could not finish either, and a healthy lab would be left down.
      LabResources before =
          stepLibrary.execute("ListLabResources", LabResources.class, Map.of("labId", labId));
      if (!before.unreadable().isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + " of lab " + labId + " refused before touching the lab, which is untouched (still"
                + " up if it was): its resources cannot all be read: "
                + String.join("; ", before.unreadable()),
            FailureTypes.RESET_REFUSED);
      }
    }
    ResetActivities.TeardownOutcome old =
        waiting().tearDownOpenRun(new ResetActivities.LabRef(labId));
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
    // lab's names. Its retries, too, end before the run does.
    DeleteLabResourcesOutput swept = Workflow.newUntypedActivityStub(
            ActivityOptions.newBuilder(STEP_LIBRARY)
                .setScheduleToCloseTimeout(beforeTheRunEnds(ResetRequest.RUN_TIMEOUT)).build())
        .execute("DeleteLabResources", DeleteLabResourcesOutput.class, Map.of("labId", labId));
    if (!swept.complete()) {
      String down =
          old.runId() == null
              ? "no run of the lab was open, so it was already down"
              : "its run " + old.runId() + " was torn down (" + old.finalState()
                  + "), so the lab is DOWN";
      throw ApplicationFailure.newNonRetryableFailure(
          what + " of lab " + labId + " stopped: the sweep could not finish and no fresh lab was"
              + " started; " + down + ". Blocked by: "
              + (swept.blocked().isEmpty() ? "nothing reported" : String.join("; ", swept.blocked()))
              + ". Still there: " + swept.remaining().listing()
              + ". Remove or fix these and run the " + what + " again.",
          FailureTypes.RESET_INCOMPLETE);
    }
    if (request.sweepOnly()) {
      return new ResetResult(labId, cleanup, swept.deleted().listing(), old.runId(), null, null);
    }
    WorkflowInfo info = Workflow.getInfo();
    String requestId = info.getWorkflowId() + "/" + info.getRunId();
    ResetActivities.StartedLab started =
        quick.startLab(new ResetActivities.StartLab(
            labId, request.definition(), request.variant(), request.parameters(), requestId));
    LabState state = waiting().awaitLive(started);
    return new ResetResult(labId, cleanup, swept.deleted().listing(), old.runId(),
        started.runId(), state);
  }
}
