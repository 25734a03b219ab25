package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.Policy;

/** Workers killed with SIGKILL while a lab is provisioning: the lab still finishes, once. */
@ExtendWith(LocalStack.class)
class WorkerCrashE2eTest {

  private static final Duration READY = Duration.ofSeconds(60);
  private static LocalStack.Stack stack;
  private static Iam iam;

  @BeforeAll
  static void setUp(LocalStack.Stack s) {
    stack = s;
    iam = new Iam(s.motoEndpoint());
  }

  @AfterAll
  static void tearDown() {
    iam.close();
  }

  private static Optional<LabStatus> status(String labId) {
    try {
      return Optional.ofNullable(stack.client().newWorkflowStub(LabWorkflow.class, labId).status());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static LabStatus await(String labId, Predicate<LabStatus> p, Duration timeout, ManagedProcess w)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<LabStatus> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      last = status(labId);
      if (last.isPresent() && p.test(last.get())) {
        return last.get();
      }
      Thread.sleep(25);
    }
    throw new AssertionError(labId + " never matched; last " + last + "\n" + w.tail());
  }

  private static boolean stepStarted(LabStatus s) {
    return s.steps().stream().anyMatch(st -> st.state() == StepState.RUNNING || st.state() == StepState.DONE);
  }

  /** Exactly one of each resource, attached once, with one policy version: nothing was duplicated. */
  private static void assertExactlyOneLab(String labId) {
    assertThat(iam.roles(labId)).extracting(r -> r.roleName()).containsExactly(labId + "-role");
    assertThat(iam.policies(labId)).extracting(Policy::policyName).containsExactly(labId + "-policy");
    assertThat(iam.attached(labId + "-role")).hasSize(1);
    Policy policy = iam.policies(labId).get(0);
    assertThat(iam.client().listPolicyVersions(b -> b.policyArn(policy.arn())).versions()).hasSize(1);
  }

  private static void teardown(String labId, Map<String, String> env) {
    Cli.Result down = Cli.run(env, "teardown", labId);
    assertThat(down.exitCode()).as(down.all()).isZero();
    assertThat(iam.roles(labId)).isEmpty();
    assertThat(iam.policies(labId)).isEmpty();
  }

  @Test
  void workerKilledMidRunAndRestartedFinishesTheLabWithoutDuplicates() throws Exception {
    String queue = "e2e-crash-restart";
    String labId = "e2e-restart";
    Map<String, String> env = stack.env(queue);
    ManagedProcess first = stack.startWorker("crash-first", queue).awaitLog("polling", READY);

    Cli.Result started = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", labId, "--detach");
    assertThat(started.exitCode()).as(started.all()).isZero();
    LabStatus before = await(labId, WorkerCrashE2eTest::stepStarted, READY, first);
    first.kill9();
    assertThat(first.alive()).isFalse();
    assertThat(before.state()).isIn(LabState.PROVISIONING, LabState.LIVE);

    ManagedProcess second = stack.startWorker("crash-second", queue).awaitLog("polling", READY);
    await(labId, s -> s.state() == LabState.LIVE, Duration.ofSeconds(90), second);
    assertExactlyOneLab(labId);
    teardown(labId, env);
    second.close();
  }

  @Test
  void twoWorkersOnOneQueueOneKilledTheOtherFinishes() throws Exception {
    String queue = "e2e-crash-pair";
    String labId = "e2e-pair";
    Map<String, String> env = stack.env(queue);
    ManagedProcess a = stack.startWorker("pair-a", queue).awaitLog("polling", READY);
    ManagedProcess b = stack.startWorker("pair-b", queue).awaitLog("polling", READY);

    Cli.Result started = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", labId, "--detach");
    assertThat(started.exitCode()).as(started.all()).isZero();
    await(labId, WorkerCrashE2eTest::stepStarted, READY, a);
    a.kill9();

    LabStatus live = await(labId, s -> s.state() == LabState.LIVE, Duration.ofSeconds(90), b);
    assertThat(live.steps()).extracting(s -> s.state()).containsOnly(StepState.DONE);
    assertThat(b.alive()).isTrue();
    assertExactlyOneLab(labId);
    teardown(labId, env);
    b.close();
  }
}
