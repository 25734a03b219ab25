package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.FailureSizeTest;
import io.labflow.activities.ec2.Ec2Activities.AssociateInstanceProfileInput;
import io.labflow.activities.ec2.Ec2Activities;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.testing.NoSimulator;
import io.labflow.activities.testing.TemporalDevServer;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import io.labflow.activities.verification.AccessVerificationActivities;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The teammate's report on a real {@code temporal server start-dev}: a retrying activity's last
 * failure must show the AWS error, not "Failure exceeds size limit.", and an operation the
 * endpoint does not implement must fail at once.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class FailureSizeOnTemporalTest {

  static final String QUEUE = "failure-size";
  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/labflow-lab-t-role";
  /** A throttling answer whose message alone is far above Temporal's 4 KiB failure limit. */
  static final String HUGE = "Rate exceeded for this account; slow down. ".repeat(500);

  /** Runs one step: {@code verify} (simulate) or {@code associate} (EC2, throttled). */
  @WorkflowInterface
  public interface StepWorkflow {
    @WorkflowMethod
    String run(String step);
  }

  public static class StepWorkflowImpl implements StepWorkflow {
    @Override
    public String run(String step) {
      ActivityOptions options =
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofMinutes(5))
                      .setMaximumAttempts(3)
                      .build())
              .build();
      if (step.equals("verify")) {
        Workflow.newActivityStub(AccessVerificationActivities.class, options)
            .verifyAccess(
                new VerifyAccessInput(
                    "lab-t", ROLE_ARN, null, "labflow-lab-t", List.of("s3:GetObject"), List.of(),
                    "simulate", 5));
      } else {
        Workflow.newActivityStub(Ec2Activities.class, options)
            .associateInstanceProfile(
                new AssociateInstanceProfileInput("lab-t", "i-0123456789abcdef0", "p"));
      }
      return "done";
    }
  }

  static TemporalDevServer temporal;
  static AwsClients clients;
  static WorkerFactory factory;
  static WorkflowClient client;

  @BeforeAll
  static void start() throws Exception {
    temporal = TemporalDevServer.start();
    clients =
        AwsClients.fromEnvironment(
            List.of(new FaultInjector("DescribeInstances", "RequestLimitExceeded", HUGE, 1000),
                new NoSimulator()));
    client = WorkflowClient.newInstance(temporal.service());
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(StepWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        AwsFailures.around(new AccessVerificationActivitiesImpl(clients)),
        AwsFailures.around(
            new Ec2ActivitiesImpl(new Ec2Walk(clients.ec2()), new IamEntities(clients))));
    factory.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (factory != null) {
      factory.shutdownNow();
    }
    if (clients != null) {
      clients.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  private static WorkflowStub start(String id, String step) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "StepWorkflow",
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    stub.start(step);
    return stub;
  }

  @Test
  void aRetryingActivityKeepsTheAwsErrorAsItsLastFailure() throws Exception {
    WorkflowStub stub = start("throttled", "associate");
    WorkflowExecution run = stub.getExecution();
    PendingActivityInfo pending = null;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      List<PendingActivityInfo> all =
          temporal
              .service()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(run)
                      .build())
              .getPendingActivitiesList();
      if (!all.isEmpty() && all.get(0).hasLastFailure()) {
        pending = all.get(0);
        break;
      }
      Thread.sleep(500);
    }
    stub.terminate("test done");

    assertThat(pending).as("the first attempt failed and the activity is waiting to retry").isNotNull();
    Failure last = pending.getLastFailure();
    assertThat(last.getMessage())
        .isNotEqualTo("Failure exceeds size limit.")
        .startsWith("Ec2 DescribeInstances failed: RequestLimitExceeded (HTTP 400, request id injected): Rate exceeded")
        .contains("more characters cut]");
    assertThat(last.getApplicationFailureInfo().getType()).isEqualTo("RequestLimitExceeded");
    assertThat(last.getApplicationFailureInfo().getNonRetryable()).isFalse();
    assertThat(last.hasCause()).isFalse();
    assertThat(last.getSerializedSize()).isLessThan(FailureSizeTest.WARN_LIMIT);
  }

  @Test
  void simulateOnMotoFailsAtOnceAsUnsupported() {
    WorkflowStub stub = start("simulate", "verify");
    try {
      stub.getResult(90, TimeUnit.SECONDS, String.class);
      throw new AssertionError("VerifyAccess by simulate cannot succeed on moto");
    } catch (WorkflowFailedException expected) {
      // Checked on the history below.
    } catch (java.util.concurrent.TimeoutException e) {
      stub.terminate("test timed out");
      throw new AssertionError("not failed within 90s: still retrying?", e);
    }
    List<HistoryEvent> failed =
        client
            .fetchHistory("simulate")
            .getEvents()
            .stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
            .toList();
    assertThat(failed).hasSize(1);
    Failure f = failed.get(0).getActivityTaskFailedEventAttributes().getFailure();
    assertThat(f.getApplicationFailureInfo().getType()).isEqualTo("Unsupported");
    assertThat(f.getApplicationFailureInfo().getNonRetryable()).isTrue();
    assertThat(f.getMessage()).startsWith("Iam SimulatePrincipalPolicy got HTTP 500");
    assertThat(f.hasCause()).isFalse();
    assertThat(f.getSerializedSize()).isLessThan(FailureSizeTest.WARN_LIMIT);
    // The activity ran once: the first (and only) attempt.
    List<HistoryEvent> started =
        client.fetchHistory("simulate").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
            .toList();
    assertThat(started).hasSize(1);
    assertThat(started.get(0).getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
  }
}
