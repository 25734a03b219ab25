package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.worker.cli.LearnerLabDouble;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.Preflight;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reset reports how the lab's run really ended: a wait for its result that throws (the service
 * cut the long poll short, as under a fleet's load) is not the run's failure, and a retry of the
 * teardown after the run closed still reports that run.
 */
@Tag("fast")
class TeardownOutcomeTest {

  static final String QUEUE = "labs";

  /**
   * The first getResult that would have returned the result throws as a lost long poll does, and so
   * does the status query numbered {@code lostQuery} (0 the first; none when negative).
   */
  static final class LostResult extends WorkflowClientInterceptorBase {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final int lostQuery;

    LostResult(int lostQuery) {
      this.lostQuery = lostQuery;
    }

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public <R> GetResultOutput<R> getResult(GetResultInput<R> input) throws TimeoutException {
          GetResultOutput<R> out = super.getResult(input);
          if (calls.getAndIncrement() == 0) {
            throw lost(input.getWorkflowExecution());
          }
          return out;
        }

        @Override
        public <R> QueryOutput<R> query(QueryInput<R> input) {
          if (queries.getAndIncrement() == lostQuery) {
            throw lost(input.getWorkflowExecution());
          }
          return super.query(input);
        }
      };
    }

    private static WorkflowServiceException lost(WorkflowExecution run) {
      return new WorkflowServiceException(run, "LabWorkflow",
          Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException());
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
    LostResult lost = new LostResult(-1);
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

  /**
   * The teardown's activity fails after the lab's run closed (its outcome could not be read yet;
   * as after a lost worker) and Temporal retries it: the retry still reports that run, torn down.
   */
  @Test
  void aRetryOfTheTeardownAfterTheRunClosedStillReportsThatRun(@TempDir Path dir)
      throws Exception {
    for (var key : LabSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    // The first query (the lab is LIVE) is answered, the one after it closed is lost.
    LostResult lost = new LostResult(1);
    WorkflowClient client = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder(env.getWorkflowClient().getOptions())
            .setInterceptors(lost).build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LearnerLabDouble.class, LabResetWorkflowImpl.class);
    worker.registerActivitiesImplementations(new ResetActivitiesImpl(client, QUEUE),
        new NothingLeft(), mini(dir));
    env.start();
    String old = WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("lab-2").setTaskQueue(QUEUE).build())::run,
        RawJson.of("{}")).getRunId();

    ResetResult result = env.getWorkflowClient().newWorkflowStub(LabResetWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("reset-lab-2").setTaskQueue(QUEUE).build())
        .reset(RawJson.of(new ResetRequest("lab-2", "mini", null, null)));

    assertThat(lost.queries.get()).as("status queries, the second lost").isGreaterThan(2);
    assertThat(result.previousRunId()).isEqualTo(old);
    assertThat(result.cleanup()).isEqualTo("TORN_DOWN(TORN_DOWN)+SWEPT");
    assertThat(result.newRunId()).isNotEqualTo(old);
  }

  /** The definition activities of a directory holding {@code mini}, a lab of one role. */
  static Object mini(Path dir) throws IOException {
    Files.writeString(dir.resolve("mini.yaml"), """
        name: mini
        steps:
          - id: role
            action: CreateRole
            with: {labId: "${lab.labId}", roleName: "${lab.labId}-role"}
        """);
    return Composition.definitionActivities(
        new DirectoryDefinitionSource(dir), Preflight.NONE, SiteParameters.NONE);
  }

  /** The step library's inventory of a lab that holds nothing. */
  static final class NothingLeft implements LabInventoryActivities {
    @Override
    public LabResources listLabResources(LabInput input) {
      return new LabResources.Builder(input.labId()).build();
    }

    @Override
    public DeleteLabResourcesOutput deleteLabResources(LabInput input) {
      LabResources none = new LabResources.Builder(input.labId()).build();
      return new DeleteLabResourcesOutput(none, none, null);
    }
  }
}
