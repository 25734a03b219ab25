package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.labflow.worker.cli.LearnerLabDouble;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.RetryOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reset reports how the lab's run really ended: a wait for its result that throws (the service
 * cut the long poll short, as under a fleet's load) is not the run's failure.
 */
@Tag("fast")
class TeardownOutcomeTest {

  static final String QUEUE = "labs";

  /** The first getResult that would have returned the result throws as a lost long poll does. */
  static final class LostResult extends WorkflowClientInterceptorBase {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public <R> GetResultOutput<R> getResult(GetResultInput<R> input) throws TimeoutException {
          GetResultOutput<R> out = super.getResult(input);
          if (calls.getAndIncrement() == 0) {
            throw new WorkflowServiceException(input.getWorkflowExecution(), "LabWorkflow",
                Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException());
          }
          return out;
        }
      };
    }
  }

  TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  TestActivityEnvironment activities = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    activities.close();
    env.close();
  }

  @Test
  void aRunThatCompletedTornDownIsReportedTornDownWhenItsResultWasLost() {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LearnerLabDouble.class);
    env.start();
    WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("lab-1").setTaskQueue(QUEUE).build())::run,
        RawJson.of("{}"));
    LostResult lost = new LostResult();
    WorkflowClient client = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder(env.getWorkflowClient().getOptions())
            .setInterceptors(lost).build());
    activities.registerActivitiesImplementations(new ResetActivitiesImpl(client, QUEUE));
    ResetActivities reset = activities.newActivityStub(ResetActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());

    ResetActivities.TeardownOutcome outcome =
        reset.tearDownOpenRun(new ResetActivities.LabRef("lab-1"));

    assertThat(outcome.finalState()).isEqualTo(LabState.TORN_DOWN);
    assertThat(outcome.runId()).isNotBlank();
    assertThat(lost.calls.get()).as("getResult calls, the first lost").isGreaterThanOrEqualTo(1);
  }
}
