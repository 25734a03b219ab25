package io.labflow.worker.reset;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.activities.common.Waiting;
import io.labflow.worker.client.LabStarter;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link ResetActivities}. Uses the worker's own Temporal client. */
public record ResetActivitiesImpl(WorkflowClient client, String taskQueue)
    implements ResetActivities {

  private static final Logger log = LoggerFactory.getLogger(ResetActivitiesImpl.class);
  private static final Duration POLL = Duration.ofSeconds(2);

  @Override
  public TeardownOutcome tearDownOpenRun(LabRef lab) {
    refuseOtherClaims(lab.labId());
    Optional<WorkflowExecutionDescription> open = Runs.open(client, lab.labId());
    if (open.isEmpty()) {
      return closedSinceFirstAttempt(lab.labId());
    }
    String runId = open.get().getExecution().getRunId();
    WorkflowStub run = client.newUntypedWorkflowStub(lab.labId(), Optional.of(runId), Optional.empty());
    LabState state = query(lab.labId(), runId).map(LabStatus::state).orElse(null);
    if (state == LabState.LIVE || state == LabState.PAUSED) {
      log.info("Tearing down run {} of lab {} (state {})", runId, lab.labId(), state);
      try {
        run.startUpdate("teardown", WorkflowUpdateStage.ACCEPTED, LabStatus.class);
      } catch (WorkflowException e) {
        // The lab moved on between the query and the update (for instance it is already tearing
        // down); waiting for it to close below is still right.
        log.info("Teardown update of lab {} not accepted: {}", lab.labId(), e.getMessage());
      }
    } else if (state == null || !state.isUndoing()) {
      // Provisioning or switching: the teardown update is not allowed there, so the run is
      // cancelled and its compensations undo what it created.
      log.info("Cancelling run {} of lab {} (state {})", runId, lab.labId(), state);
      run.cancel("reset");
    }
    return closed(lab.labId(), runId);
  }

  /**
   * On a retry (a lost worker, a closed run's state not readable yet), the run an earlier attempt
   * tore down has closed: the lab's last run, if it closed after this activity was first scheduled.
   */
  private TeardownOutcome closedSinceFirstAttempt(String labId) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    if (info.getAttempt() > 1) {
      Optional<WorkflowExecutionDescription> last = Runs.newest(client, labId)
          .filter(d -> d.getCloseTime() != null
              && d.getCloseTime().toEpochMilli() >= info.getScheduledTimestamp());
      if (last.isPresent()) {
        return closed(labId, last.get().getExecution().getRunId());
      }
    }
    return new TeardownOutcome(null, null);
  }

  /** How the run ended once closed (one failed or cancelled leaves the rest to the sweep). */
  private TeardownOutcome closed(String labId, String runId) {
    WorkflowStub run = client.newUntypedWorkflowStub(labId, Optional.of(runId), Optional.empty());
    return new TeardownOutcome(runId, await("waiting for run " + runId + " of lab " + labId
        + " to close", FailureTypes.RESET_INCOMPLETE, () -> end(run, labId, runId)));
  }

  @Override
  public StartedLab startLab(StartLab start) {
    WorkflowOptions options = new LabStarter(
            start.labId(), start.definition(), start.variant(), taskQueue,
            "by " + start.requestId(), start.requestId(),
            // The fresh lab keeps the reset's task priority: a fleet's labs yield to a learner's.
            Activity.getExecutionContext().getInfo().getPriority())
        .options();
    WorkflowStub stub = client.newUntypedWorkflowStub(LabWorkflow.TYPE, options);
    LabRequest request =
        new LabRequest(start.definition(), start.variant(), start.labId(), start.parameters(), null);
    try {
      return new StartedLab(start.labId(), stub.start(request).getRunId());
    } catch (WorkflowExecutionAlreadyStarted e) {
      WorkflowExecutionDescription d = client.newUntypedWorkflowStub(start.labId()).describe();
      Object startedBy = d.getMemo(LabStarter.STARTED_BY_MEMO, String.class);
      if (start.requestId().equals(startedBy)) {
        return new StartedLab(start.labId(), d.getExecution().getRunId());
      }
      throw ApplicationFailure.newNonRetryableFailure(
          "lab " + start.labId() + " was started by someone else while resetting (run "
              + d.getExecution().getRunId() + ")",
          FailureTypes.LAB_ALREADY_RUNNING);
    }
  }

  @Override
  public LabState awaitLive(StartedLab lab) {
    WorkflowStub run =
        client.newUntypedWorkflowStub(lab.labId(), Optional.of(lab.runId()), Optional.empty());
    return await("waiting for lab " + lab.labId() + " (run " + lab.runId() + ") to come up",
        FailureTypes.LAB_DID_NOT_COME_UP, () -> live(lab, run));
  }

  /** LIVE or COMPLETED once the lab is up, empty while it is still coming up; else it fails. */
  private Optional<LabState> live(StartedLab lab, WorkflowStub run) {
    Optional<LabStatus> status = query(lab.labId(), lab.runId());
    if (status.isPresent()) {
      LabState state = status.get().state();
      if (state == LabState.LIVE) {
        return Optional.of(state);
      }
      if (state == LabState.PAUSED) {
        throw ApplicationFailure.newNonRetryableFailure(
            "lab " + lab.labId() + " paused at step " + status.get().pausedStep() + ": "
                + status.get().lastError() + " (decide with: labflow resume " + lab.labId() + ")",
            FailureTypes.LAB_DID_NOT_COME_UP);
      }
    }
    WorkflowExecutionStatus es = run.describe().getStatus();
    if (es != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      try {
        LabResult result = run.getResult(1, TimeUnit.SECONDS, LabResult.class);
        if (result.state() == LabState.COMPLETED) {
          return Optional.of(result.state());
        }
        throw ApplicationFailure.newNonRetryableFailure(
            "lab " + lab.labId() + " ended " + result.state(), FailureTypes.LAB_DID_NOT_COME_UP);
      } catch (TimeoutException | WorkflowException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "lab " + lab.labId() + " did not come up ("
                + StatusPrinter.name(es).toLowerCase(Locale.ROOT) + "): " + labReason(e),
            FailureTypes.LAB_DID_NOT_COME_UP);
      }
    }
    return Optional.empty();
  }

  /**
   * The one poll loop of the reset: reads until {@code read} gives a value, saying what it waits
   * for in every heartbeat and in the log ({@link Waiting}), bounded by the activity's own timeout
   * (which {@link Waiting} ends it before); giving up fails it non-retryable {@code type} with its
   * own sentence of what it waited for, instead of Temporal's bare timeout and a retry cut short by
   * the reset's run timeout.
   */
  private static <T> T await(String what, String type, Supplier<Optional<T>> read) {
    Waiting wait =
        new Waiting(what, Activity.getExecutionContext().getInfo().getStartToCloseTimeout());
    return wait.until(read.get(), read, Optional::isPresent, v -> null, n -> POLL)
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(wait.gaveUp(null), type));
  }

  /**
   * How a lab's run really ended, or empty while it is still open (keep waiting). A {@link
   * WorkflowException} from {@code getResult} is not the run's outcome: a long poll cut short by
   * the service (frequent when many labs reset at once) comes while the run is still open or after
   * it completed. So the run's execution status decides, and a closed run's own state is read from
   * its result or its status query.
   */
  private Optional<LabState> end(WorkflowStub run, String labId, String runId) {
    return switch (run.describe().getStatus()) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          Optional.empty();
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> Optional.of(result(run)
          .or(() -> query(labId, runId).map(LabStatus::state))
          // Completed, but neither the query nor the result can be read now: ask again later.
          .orElseThrow(() -> new IllegalStateException(
              "run " + runId + " completed but its state cannot be read yet")));
      // Cancelled by the reset while provisioning: its compensations ran; its state says how far.
      case WORKFLOW_EXECUTION_STATUS_CANCELED ->
          Optional.of(query(labId, runId).map(LabStatus::state).orElse(LabState.FAILED));
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

  /**
   * The lab's own reason: the message its workflow failed with (for example the rollback summary),
   * not the client exception's "Workflow execution ... failed. Metadata: ..." wrapper.
   */
  static String labReason(Throwable e) {
    String reason = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.temporal.failure.TemporalFailure tf && tf.getOriginalMessage() != null
          && !tf.getOriginalMessage().isBlank()) {
        reason = tf.getOriginalMessage();
      }
    }
    return reason != null ? reason : e.getClass().getSimpleName();
  }

  /**
   * A lab's run is the one whose workflow id is the lab id. A run of another workflow id that claims
   * the lab (possible only for runs started before the rule) stops the reset instead of being
   * missed; labId is checked against the lab id pattern, so it is safe inside the query.
   */
  private void refuseOtherClaims(String labId) {
    String other = firstRunning(client, "WorkflowType = '" + LabWorkflow.TYPE + "' AND "
        + "ExecutionStatus = 'Running' AND " + LabSearchAttributes.LAB_ID.getName() + " = '"
        + labId + "' AND WorkflowId != '" + labId + "'", "other claims of lab " + labId);
    if (other != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "workflow " + other + " also claims lab " + labId + "; a lab's run is the one with"
              + " workflow id " + labId + ". Terminate that run, then reset again",
          FailureTypes.LAB_CLAIMED_TWICE);
    }
  }

  /**
   * The workflow id of the first execution a visibility query finds, or null, in one bounded call
   * (the client's paginator can wait forever on a server without visibility). A server without
   * visibility (the time-skipping test server) only gets a warning that {@code unchecked} are not.
   */
  public static String firstRunning(WorkflowClient client, String query, String unchecked) {
    ListWorkflowExecutionsResponse page;
    try {
      page = client.getWorkflowServiceStubs().blockingStub()
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setQuery(query)
              .setPageSize(1)
              .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        log.warn("This Temporal server has no visibility queries; {} are not checked", unchecked);
        return null;
      }
      throw e;
    }
    return page.getExecutionsCount() == 0
        ? null : page.getExecutions(0).getExecution().getWorkflowId();
  }

  private Optional<LabStatus> query(String labId, String runId) {
    try {
      return Optional.ofNullable(
          client.newWorkflowStub(LabWorkflow.class, labId, Optional.of(runId)).status());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
