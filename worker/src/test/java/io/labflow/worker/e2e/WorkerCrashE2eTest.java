package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Policy;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Workers killed with SIGKILL inside a running activity: the lab still finishes, once.
 *
 * <p>Every worker reaches moto through a {@link HoldingAwsProxy} that withholds moto's answer to
 * the lab's {@code CreatePolicy} call. The policy then exists in AWS, but the activity attempt that
 * created it is still waiting inside its AWS call, on a known worker, when that worker is killed.
 * Temporal notices the lost attempt through the step's 3s heartbeat timeout and runs attempt 2 on
 * a live worker, which must adopt the policy instead of creating a second one. The lab's other
 * steps create a role before and an attachment after, so resources exist on both sides of the
 * crash.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class WorkerCrashE2eTest extends OnLocalStack {

  private static final String LAB = "crash-lab";

  @Test
  void workerKilledInsideAnActivityAndRestartedFinishesTheLabWithoutDuplicates() throws Exception {
    String queue = "e2e-crash-restart";
    String labId = "e2e-restart";
    Map<String, String> env = stack.env(queue);
    try (HoldingAwsProxy aws = holdingCreatePolicy(labId)) {
      ManagedProcess first = stack.startWorker("crash-first", queue, -1, aws.endpoint()).awaitLog("polling", READY);
      start(labId, env);

      PendingActivityInfo interrupted = awaitCreatePolicyHeld(labId, aws, first);
      assertThat(interrupted.getLastWorkerIdentity()).startsWith(first.pid() + "@");
      first.kill9();
      assertThat(first.alive()).isFalse();
      assertKilledInsideCreatePolicy(labId, first);

      ManagedProcess second = stack.startWorker("crash-second", queue, -1, aws.endpoint())
          .awaitLog("polling", READY);
      LabStatus live = awaitLive(labId, Duration.ofSeconds(90), second);
      assertThat(live.steps()).extracting(s -> s.id() + ":" + s.state())
          .containsExactly("role:DONE", "policy:DONE", "attach:DONE");
      assertRetriedOnceOn(labId, second);
      // The query and the CLI show the attempts Temporal really ran: the policy step's second.
      assertThat(live.steps()).extracting(s -> s.id() + ":" + s.attempt())
          .containsExactly("role:1", "policy:2", "attach:1");
      Cli.Result shown = Cli.run(env, "status", labId);
      assertThat(shown.exitCode()).as(shown.all()).isZero();
      assertThat(shown.out().lines().filter(l -> l.contains(" policy ")))
          .singleElement().asString().contains("attempt 2");
      assertNoDuplicates(labId, aws, second);
      teardown(labId, env);
      second.close();
    }
  }

  @Test
  void twoWorkersOnOneQueueOneKilledInsideAnActivityTheOtherFinishes() throws Exception {
    String queue = "e2e-crash-pair";
    String labId = "e2e-pair";
    Map<String, String> env = stack.env(queue);
    try (HoldingAwsProxy aws = holdingCreatePolicy(labId)) {
      // Both JVMs start at once; the lab is started once both poll.
      ManagedProcess a = stack.startWorker("pair-a", queue, -1, aws.endpoint());
      ManagedProcess b = stack.startWorker("pair-b", queue, -1, aws.endpoint());
      a.awaitLog("polling", READY);
      b.awaitLog("polling", READY);
      start(labId, env);

      // Either worker may pick the activity up; the one that runs it is the one killed.
      PendingActivityInfo interrupted = awaitCreatePolicyHeld(labId, aws, a);
      String identity = interrupted.getLastWorkerIdentity();
      assertThat(identity).matches(i -> i.startsWith(a.pid() + "@") || i.startsWith(b.pid() + "@"),
          "identity of worker a (" + a.pid() + ") or b (" + b.pid() + ")");
      ManagedProcess victim = identity.startsWith(a.pid() + "@") ? a : b;
      ManagedProcess survivor = victim == a ? b : a;
      victim.kill9();
      assertThat(victim.alive()).isFalse();
      assertKilledInsideCreatePolicy(labId, victim);

      LabStatus live = awaitLive(labId, Duration.ofSeconds(90), survivor);
      assertThat(live.steps()).extracting(s -> s.state()).containsOnly(StepState.DONE);
      assertThat(survivor.alive()).isTrue();
      assertRetriedOnceOn(labId, survivor);
      assertNoDuplicates(labId, aws, survivor);
      teardown(labId, env);
      survivor.close();
    }
  }

  private static void start(String labId, Map<String, String> env) {
    Cli.Result started = Cli.run(env, "run", Labs.file(LAB).toString(), "--lab-id", labId, "--detach");
    assertThat(started.exitCode()).as(started.all()).isZero();
  }

  /** A proxy in front of moto that withholds its answer to the lab's CreatePolicy. */
  private static HoldingAwsProxy holdingCreatePolicy(String labId) throws IOException {
    return new HoldingAwsProxy(stack.motoEndpoint(), "CreatePolicy", "PolicyName", labId + "-policy");
  }

  /**
   * Waits until moto has answered the lab's CreatePolicy call and the proxy holds the answer back,
   * and returns the activity as Temporal sees it then: attempt 1, started on some worker, while the
   * lab's status shows the role done and the policy step running.
   */
  private static PendingActivityInfo awaitCreatePolicyHeld(String labId, HoldingAwsProxy aws, ManagedProcess w)
      throws InterruptedException {
    assertThat(aws.awaitHeld(READY)).as("CreatePolicy never reached AWS\n" + w.tail()).isTrue();
    assertThat(aws.heldStatus()).as("moto's answer to the held CreatePolicy").isEqualTo(200);
    PendingActivityInfo pending = pendingCreatePolicy(labId).orElseThrow(
        () -> new AssertionError("no pending CreatePolicy activity while its AWS call is held"));
    assertThat(pending.getAttempt()).isEqualTo(1);
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    LabStatus status = stack.client().newWorkflowStub(LabWorkflow.class, labId).status();
    assertThat(status.steps()).extracting(s -> s.id() + ":" + s.state())
        .containsExactly("role:DONE", "policy:RUNNING", "attach:PENDING");
    return pending;
  }

  /**
   * The killed worker created the role, and the policy exists in AWS (its CreatePolicy call was
   * done by moto), yet the worker never finished that activity: the crash landed inside it.
   */
  private static void assertKilledInsideCreatePolicy(String labId, ManagedProcess killed) throws IOException {
    // Described after the kill, the activity is still in attempt 1 on the killed worker: the kill
    // landed before Temporal gave up on that attempt, so it landed inside it.
    PendingActivityInfo after = pendingCreatePolicy(labId).orElseThrow();
    assertThat(after.getAttempt()).as("attempt when the worker was dead").isEqualTo(1);
    assertThat(after.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(after.getLastWorkerIdentity()).startsWith(killed.pid() + "@");
    assertThat(iam.policies(labId)).extracting(Policy::policyName).containsExactly(labId + "-policy");
    String log = Files.readString(killed.log());
    assertThat(log).contains("created role " + labId + "-role").doesNotContain("created policy");
  }

  /**
   * History records the policy step's completed attempt as attempt 2, run by {@code worker},
   * after attempt 1 was lost to a heartbeat timeout.
   */
  private static void assertRetriedOnceOn(String labId, ManagedProcess worker) {
    List<HistoryEvent> events = stack.client().fetchHistory(labId).getEvents();
    long scheduled = events.stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("CreatePolicy"))
        .findFirst().orElseThrow().getEventId();
    ActivityTaskStartedEventAttributes started = events.stream()
        .filter(e -> e.hasActivityTaskStartedEventAttributes()
            && e.getActivityTaskStartedEventAttributes().getScheduledEventId() == scheduled)
        .findFirst().orElseThrow().getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getIdentity()).startsWith(worker.pid() + "@");
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(events.stream().filter(e -> e.hasActivityTaskCompletedEventAttributes()
        && e.getActivityTaskCompletedEventAttributes().getScheduledEventId() == scheduled)).hasSize(1);
  }

  /**
   * Exactly one role, one policy with one version, one attachment; moto created a policy once (for
   * the interrupted attempt): attempt 2 adopted it instead of creating another. The attachment, the
   * step after the crash, went through AWS too.
   */
  private static void assertNoDuplicates(String labId, HoldingAwsProxy aws, ManagedProcess finisher)
      throws Exception {
    assertThat(iam.roles(labId)).extracting(r -> r.roleName()).containsExactly(labId + "-role");
    assertThat(iam.policies(labId)).extracting(Policy::policyName).containsExactly(labId + "-policy");
    Policy policy = iam.policies(labId).get(0);
    assertThat(iam.client().listPolicyVersions(b -> b.policyArn(policy.arn())).versions()).hasSize(1);
    assertThat(iam.attached(labId + "-role")).extracting(p -> p.policyArn()).containsExactly(policy.arn());
    assertThat(aws.succeededCount("CreatePolicy")).isEqualTo(1);
    assertThat(aws.forwardedCount("AttachRolePolicy")).isPositive();
    assertThat(Files.readString(finisher.log())).doesNotContain("created policy");
  }

  private static void teardown(String labId, Map<String, String> env) {
    Cli.Result down = Cli.run(env, "teardown", labId);
    assertThat(down.exitCode()).as(down.all()).isZero();
    assertThat(down.out()).contains("state=TORN_DOWN");
    assertThat(iam.roles(labId)).isEmpty();
    assertThat(iam.policies(labId)).isEmpty();
  }

  private static Optional<PendingActivityInfo> pendingCreatePolicy(String labId) {
    return stack.client().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(labId)).build())
        .getPendingActivitiesList().stream()
        .filter(p -> p.getActivityType().getName().equals("CreatePolicy"))
        .findFirst();
  }
}
