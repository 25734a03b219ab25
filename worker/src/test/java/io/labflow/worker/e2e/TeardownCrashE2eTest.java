package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;

/**
 * A worker killed with SIGKILL inside the {@code DeleteStack} undo of a teardown: another worker
 * takes the undo over after its heartbeat timeout and the teardown completes within two minutes.
 *
 * <p>The worker reaches moto through a {@link HoldingAwsProxy} that withholds moto's answer to
 * the lab's {@code DeleteStack} call: moto has deleted the stack, but the undo attempt waits
 * inside its AWS call when its worker dies. Neither the lab's step nor its undo sets a heartbeat
 * timeout; the loader gives the long-running {@code DeleteStack} its default of one minute.
 * Without it the undo would wait out its 35-minute start-to-close timeout.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class TeardownCrashE2eTest extends OnLocalStack {

  private static final Duration BUDGET = Duration.ofMinutes(2);
  private static final String LAB = "stack-crash-lab";
  private static CloudFormationClient cfn;
  private static S3Client s3;

  @BeforeAll
  static void setUp(LocalStack.Stack s) {
    // moto accepts any credentials; these dummy values never reach a real account.
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    cfn = CloudFormationClient.builder().endpointOverride(URI.create(s.motoEndpoint()))
        .region(Region.US_EAST_1).credentialsProvider(creds).build();
    s3 = S3Client.builder().endpointOverride(URI.create(s.motoEndpoint())).forcePathStyle(true)
        .region(Region.US_EAST_1).credentialsProvider(creds).build();
  }

  @AfterAll
  static void tearDown() {
    cfn.close();
    s3.close();
  }

  @Test
  void workerKilledInsideDeleteStackDuringATeardownIsReplacedAndTheTeardownCompletes()
      throws Exception {
    String queue = "e2e-teardown-crash";
    String labId = "e2e-tdstack";
    String stackName = "labflow-" + labId;
    Map<String, String> env = stack.env(queue);
    try (HoldingAwsProxy aws = new HoldingAwsProxy(stack.motoEndpoint(), "DeleteStack",
        form -> form.getOrDefault("StackName", "").contains(":stack/" + stackName + "/")
            || stackName.equals(form.get("StackName")))) {
      ManagedProcess first = stack.startWorker("td-first", queue, -1, aws.endpoint())
          .awaitLog("polling", READY);
      Cli.Result started = Cli.run(env, "run", Labs.file(LAB).toString(), "--lab-id", labId, "--detach");
      assertThat(started.exitCode()).as(started.all()).isZero();
      awaitLive(labId, Duration.ofSeconds(90), first);
      assertThat(stackStatus(stackName)).contains(StackStatus.CREATE_COMPLETE);
      assertThat(bucketExists(stackName)).isTrue();

      long t0 = System.nanoTime();
      CompletableFuture<Cli.Result> teardown =
          CompletableFuture.supplyAsync(() -> Cli.run(env, "teardown", labId));

      assertThat(aws.awaitHeld(READY)).as("DeleteStack never reached AWS\n" + first.tail()).isTrue();
      assertThat(aws.heldStatus()).as("moto's answer to the held DeleteStack").isEqualTo(200);
      PendingActivityInfo held = pendingDeleteStack(labId).orElseThrow(
          () -> new AssertionError("no pending DeleteStack while its AWS call is held"));
      assertThat(held.getAttempt()).isEqualTo(1);
      assertThat(held.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      assertThat(held.getLastWorkerIdentity()).startsWith(first.pid() + "@");
      first.kill9();
      assertThat(first.alive()).isFalse();
      double killedAt = seconds(t0);

      ManagedProcess second = stack.startWorker("td-second", queue, -1, aws.endpoint())
          .awaitLog("polling", READY);
      Cli.Result down = teardown.get(BUDGET.toSeconds() + 30, TimeUnit.SECONDS);
      double took = seconds(t0);
      System.out.printf("teardown with a worker killed inside DeleteStack: killed at %.1f s,"
          + " torn down after %.1f s (budget %d s)%n", killedAt, took, BUDGET.toSeconds());

      assertThat(down.exitCode()).as(down.all()).isZero();
      assertThat(down.out()).contains("state=TORN_DOWN");
      assertThat(took).as("seconds from teardown to TORN_DOWN").isLessThan(BUDGET.toSeconds());
      assertUndoneOnSecondWorker(labId, second);

      // Nothing remains: the stack, its bucket and the role are gone, and moto deleted the stack once.
      assertThat(stackStatus(stackName)).isEmpty();
      assertThat(bucketExists(stackName)).isFalse();
      assertThat(iam.roles(labId)).isEmpty();
      assertThat(aws.succeededCount("DeleteStack")).isEqualTo(1);
      second.close();
    }
  }

  /**
   * History: the DeleteStack undo was scheduled with the loader's one-minute heartbeat timeout,
   * its attempt 1 was lost to that timeout, and attempt 2 ran on the second worker and completed.
   */
  private static void assertUndoneOnSecondWorker(String labId, ManagedProcess second) {
    List<HistoryEvent> events = stack.client().fetchHistory(labId).getEvents();
    HistoryEvent scheduled = events.stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("DeleteStack"))
        .reduce((a, b) -> b).orElseThrow();
    ActivityTaskScheduledEventAttributes attrs = scheduled.getActivityTaskScheduledEventAttributes();
    assertThat(attrs.getHeartbeatTimeout().getSeconds()).isEqualTo(60);
    ActivityTaskStartedEventAttributes startedAttrs = events.stream()
        .filter(e -> e.hasActivityTaskStartedEventAttributes()
            && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduled.getEventId())
        .findFirst().orElseThrow().getActivityTaskStartedEventAttributes();
    assertThat(startedAttrs.getAttempt()).isEqualTo(2);
    assertThat(startedAttrs.getIdentity()).startsWith(second.pid() + "@");
    assertThat(startedAttrs.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(events.stream().filter(e -> e.hasActivityTaskCompletedEventAttributes()
        && e.getActivityTaskCompletedEventAttributes().getScheduledEventId() == scheduled.getEventId()))
        .hasSize(1);
  }

  private static Optional<StackStatus> stackStatus(String name) {
    try {
      return cfn.describeStacks(b -> b.stackName(name)).stacks().stream()
          .map(s -> s.stackStatus())
          .filter(s -> s != StackStatus.DELETE_COMPLETE)
          .findFirst();
    } catch (CloudFormationException e) {
      if (e.getMessage().contains("does not exist")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static boolean bucketExists(String name) {
    return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(name));
  }

  private static Optional<PendingActivityInfo> pendingDeleteStack(String labId) {
    return stack.client().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(labId)).build())
        .getPendingActivitiesList().stream()
        .filter(p -> p.getActivityType().getName().equals("DeleteStack"))
        .findFirst();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
