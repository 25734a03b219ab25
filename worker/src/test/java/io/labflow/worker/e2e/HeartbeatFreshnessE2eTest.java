package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.TemporalDevServer;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.LabWorker;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a long step says it waits for reaches the server while it waits: a step whose heartbeat
 * timeout is DeleteStack's undo's (1 minute) heartbeats "emptying bucket", then "waiting for the
 * stack", and runs 25 s. With the SDK's default throttle (0.8 x the heartbeat timeout, 48 s) the
 * second never reached the server before the step ended: a follow, {@code status} and {@code fleet
 * status} said it emptied the bucket all along. The worker's options send it within 10 s.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HeartbeatFreshnessE2eTest {

  private static final Path LOGS = Tools.repoRoot().resolve("worker/target/e2e-logs/heartbeats");
  private static final String QUEUE = "e2e-heartbeats";

  @ActivityInterface
  public interface LongStep {
    void run();
  }

  public static class LongStepImpl implements LongStep {
    @Override
    public void run() {
      var ctx = Activity.getExecutionContext();
      ctx.heartbeat("emptying bucket b");
      sleep(1);
      for (int i = 0; i < 24; i++) {
        ctx.heartbeat("waiting for stack s to be deleted (now DELETE_IN_PROGRESS)");
        sleep(1);
      }
    }

    private static void sleep(int seconds) {
      try {
        Thread.sleep(seconds * 1000L);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @WorkflowInterface
  public interface OneStep {
    @WorkflowMethod
    void run();
  }

  public static class OneStepImpl implements OneStep {
    @Override
    public void run() {
      Workflow.newActivityStub(LongStep.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setHeartbeatTimeout(Duration.ofMinutes(1)).build()).run();
    }
  }

  @Test
  void whatALongStepWaitsForReachesTheServerWhileItWaits() throws Exception {
    try (TemporalDevServer temporal = TemporalDevServer.start(LOGS, List.of())) {
      WorkflowClient client = temporal.client();
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(QUEUE, LabWorker.WORKER_OPTIONS);
      worker.registerWorkflowImplementationTypes(OneStepImpl.class);
      worker.registerActivitiesImplementations(new LongStepImpl());
      factory.start();
      try {
        OneStep run = client.newWorkflowStub(OneStep.class,
            WorkflowOptions.newBuilder().setWorkflowId("heartbeats").setTaskQueue(QUEUE).build());
        WorkflowClient.start(run::run);

        String said = null;
        boolean pending = true;
        while (pending && (said == null || !said.startsWith("waiting for stack"))) {
          Thread.sleep(500);
          Optional<PendingActivityInfo> step = temporal.service().blockingStub()
              .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace("default").setExecution(io.temporal.api.common.v1.WorkflowExecution
                      .newBuilder().setWorkflowId("heartbeats")).build())
              .getPendingActivitiesList().stream().findFirst();
          pending = step.isPresent();
          said = step.filter(PendingActivityInfo::hasHeartbeatDetails)
              .map(a -> DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
                  Optional.of(a.getHeartbeatDetails()), String.class, String.class))
              .orElse(said);
        }

        assertThat(pending).as("the step still waited when the server had its second heartbeat")
            .isTrue();
        assertThat(said).startsWith("waiting for stack s to be deleted");
      } finally {
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
