package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.worker.cli.LearnerLabDouble;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ResetActivitiesImplTest {

  @Test
  void theLabsOwnReasonReplacesTheClientWrapper() {
    ApplicationFailure lab =
        ApplicationFailure.newNonRetryableFailure(
            "step 'create-role' (CreateRole) refused: NotOwned: role r exists but is not tagged;"
                + " everything created was undone (rolled back: create-stack)",
            "LabFailed");
    WorkflowFailedException failed =
        new WorkflowFailedException(
            WorkflowExecution.newBuilder().setWorkflowId("lab-1").setRunId("r1").build(),
            "LabWorkflow",
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            7,
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            lab);

    assertThat(failed.getMessage()).contains("Metadata");
    assertThat(ResetActivitiesImpl.labReason(failed))
        .isEqualTo(lab.getOriginalMessage())
        .doesNotContain("WORKFLOW_EXECUTION_STATUS")
        .doesNotContain("Metadata");
  }

  /** Runs the reset's wait for a lab to come up with a StartToClose of seconds, once. */
  @WorkflowInterface
  public interface AwaitLive {
    @WorkflowMethod
    LabState await(ResetActivities.StartedLab lab);
  }

  public static class AwaitLiveImpl implements AwaitLive {
    @Override
    public LabState await(ResetActivities.StartedLab lab) {
      return Workflow.newActivityStub(ResetActivities.class, ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(12))
              .setHeartbeatTimeout(Duration.ofSeconds(4))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build())
          .awaitLive(lab);
    }
  }

  /**
   * A lab that never comes up (its status cannot be read, its run stays open) ends the wait with
   * the reset's own sentence, before the activity's StartToClose timeout would end it with
   * Temporal's bare timeout; real time, as the wait's bound is the activity's.
   */
  @Test
  void aLabThatNeverComesUpEndsTheWaitWithWhatItWaitedForBeforeTheActivityTimesOut() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      Worker worker = env.newWorker(TeardownOutcomeTest.QUEUE);
      worker.registerWorkflowImplementationTypes(LearnerLabDouble.class, AwaitLiveImpl.class);
      worker.registerActivitiesImplementations(
          new ResetActivitiesImpl(env.getWorkflowClient(), TeardownOutcomeTest.QUEUE));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      String run = WorkflowClient.start(client.newWorkflowStub(LabWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId("broken-status-1")
                  .setTaskQueue(TeardownOutcomeTest.QUEUE).build())::run,
          RawJson.of("{}")).getRunId();
      AwaitLive reset = client.newWorkflowStub(AwaitLive.class, WorkflowOptions.newBuilder()
          .setWorkflowId("reset-broken-status-1").setTaskQueue(TeardownOutcomeTest.QUEUE).build());

      WorkflowFailedException failed = catchThrowableOfType(
          () -> reset.await(new ResetActivities.StartedLab("broken-status-1", run)),
          WorkflowFailedException.class);

      assertThat(failed.getCause().getCause())
          .isInstanceOfSatisfying(ApplicationFailure.class, own -> {
            assertThat(own.getType()).isEqualTo(FailureTypes.LAB_DID_NOT_COME_UP);
            assertThat(own.isNonRetryable()).isTrue();
            assertThat(own.getOriginalMessage()).startsWith(
                    "gave up waiting for lab broken-status-1 (run " + run + ") to come up after ")
                .contains("(its bound is ");
          });
    }
  }
}
