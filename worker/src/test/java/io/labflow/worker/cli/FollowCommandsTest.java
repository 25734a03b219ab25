package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labflow teardown} and {@code switch-variant} on a double lab: what they say while they
 * follow it, when they stop, and what the record says after a teardown recorded for later.
 */
@Tag("fast")
class FollowCommandsTest {

  @AutoClose private static final DoubleLabServer server = new DoubleLabServer();
  @TempDir static Path dir;

  /** Before, the wait was printed as Java writes it (`PT1M30S`), not as the flag takes it. */
  @Test
  void theFollowingTimeIsWrittenAsTheFlagTakesIt() {
    server.startLab("td-wait");

    DoubleLabServer.Result r = server.labflow("teardown", "td-wait", "--wait", "90s");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all())
        .startsWith("Tearing lab td-wait down (following up to 1m30s)...\n");
  }

  /**
   * A teardown recorded with no worker polling is in the server's record `status` prints (before:
   * that record showed the lab LIVE and nothing of the teardown the command said it would show).
   */
  @Test
  void aTeardownRecordedWithNoWorkerIsInTheRecordStatusPrints() {
    server.startLab("td-later", "no-worker");
    server.polled = () -> false;
    try {
      assertThat(server.labflow("status", "td-later").out()).doesNotContain("Teardown");

      DoubleLabServer.Result teardown = server.labflow("teardown", "td-later");
      DoubleLabServer.Result status = server.labflow("status", "td-later");

      assertThat(teardown.code()).as(teardown.all()).isEqualTo(4);
      assertThat(teardown.err()).as(teardown.all()).endsWith("; teardown of lab td-later recorded;"
          + " will run when a worker polls (labflow status td-later shows it)\n");
      assertThat(status.code()).as(status.all()).isZero();
      assertThat(status.out()).as(status.all()).contains("Teardown: recorded, not taken yet (signal"
          + " requestTeardown); it runs when a worker polls task queue no-worker\n");
    } finally {
      server.polled = () -> true;
    }
  }

  /**
   * A Ctrl-C as a follow ends: its hook runs, then the command finds the JVM shutting down as it
   * removes the hook (before: `labflow: Shutdown in progress` followed the hook's sentence).
   */
  @Test
  void aCtrlCAsAFollowEndsPrintsTheHooksSentenceAlone() {
    server.startLab("td-ctrl-c");
    server.unhook = hook -> {
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      throw new IllegalStateException("Shutdown in progress");
    };
    try {
      DoubleLabServer.Result r = server.labflow("teardown", "td-ctrl-c");

      assertThat(r.out()).as(r.all()).endsWith("\nStopped following lab td-ctrl-c; it goes on:"
          + " labflow status td-ctrl-c, or labflow teardown td-ctrl-c\n")
          .doesNotContain("Lab td-ctrl-c  definition=");
      assertThat(r.err()).as(r.all()).isEmpty();
    } finally {
      server.unhook = null;
    }
  }

  /**
   * `run` of a definition without variants names none (before: "variant null"); one with variants
   * names the variant the lab runs.
   */
  @Test
  void runNamesTheVariantOnlyWhenTheDefinitionHasVariants() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.yaml"), LabTestCommandTest.DEFINITION);
    Path variants = Files.writeString(dir.resolve("variants.yaml"), LabTestCommandTest.DEFINITION
        + "variants:\n  small: {}\n  large: {}\ndefaultVariant: small\n");

    DoubleLabServer.Result r = server.labflow("run", plain.toString(), "--lab-id", "run-plain",
        "--detach");
    DoubleLabServer.Result v = server.labflow("run", variants.toString(), "--lab-id",
        "run-variant", "--detach");

    assertThat(r.out()).as(r.all()).startsWith("Started lab run-plain (definition learner-lab, run ")
        .doesNotContain("variant");
    assertThat(v.out()).as(v.all())
        .startsWith("Started lab run-variant (definition learner-lab, variant small, run ");
  }

  /**
   * A SIGTERM as `run` sends the lab's start: the hook is in place already and, once the lab has
   * started, says it goes on (before: the hook was added after the start, so a JVM shutting down
   * in between halted without a sentence, the lab started).
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aSignalAsRunStartsTheLabFindsTheHookInPlaceAndSaysTheLabGoesOn() throws Exception {
    Path file = Files.writeString(dir.resolve("lab.yaml"), LabTestCommandTest.DEFINITION);
    DoubleLabServer.Stopped s = server.stoppedAtStart(() -> {},
        () -> server.labflow("run", file.toString(), "--lab-id", "run-sigterm", "--detach"));
    String out = s.out();

    assertThat(s.hooks()).as(out).isEqualTo(1);
    assertThat(out.split("\nStopped following lab run-sigterm; it goes on: labflow status"
        + " run-sigterm, or labflow teardown run-sigterm\n", -1)).as(out).hasSize(2);
  }

  /**
   * A Ctrl-C before a follow's hook is in place (the JVM shutting down refuses a new hook): the
   * hook's sentence is said all the same (before: `labflow: Shutdown in progress`, nothing else).
   */
  @Test
  void aCtrlCBeforeAFollowStartsSaysItsSentenceAlone() {
    server.startLab("td-ctrl-c-early");
    server.hook = hook -> {
      throw new IllegalStateException("Shutdown in progress");
    };
    try {
      DoubleLabServer.Result r = server.labflow("teardown", "td-ctrl-c-early");

      assertThat(r.out()).as(r.all()).endsWith("\nStopped following lab td-ctrl-c-early; it goes"
          + " on: labflow status td-ctrl-c-early, or labflow teardown td-ctrl-c-early\n");
      assertThat(r.err()).as(r.all()).isEmpty();
    } finally {
      server.hook = null;
    }
  }

  /**
   * Before, the command waited for the switch's Update, which answers once the switch steps are
   * done, past --timeout and in silence, then printed every step as news.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aSwitchIsFollowedUntilItsTimeoutAndSaysItGoesOn() {
    server.startLab("slow-switch");

    DoubleLabServer.Result r =
        server.labflow("switch-variant", "slow-switch", "read-write", "--timeout", "2s");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).as(r.all())
        .startsWith("Switching lab slow-switch to variant read-write...\n"
            + "lab slow-switch: SWITCHING\n\nLab slow-switch  definition=learner-lab")
        .contains("Lab slow-switch is still SWITCHING after 2s; the switch goes on: labflow status"
            + " slow-switch\n")
        .doesNotContain("  DONE         stack (CreateStack)");
  }

  /**
   * Undos one read sees together are said in the order they ran, newest first, then the state
   * they end in (before: in the order the steps ran, the stack undone before the role on it).
   */
  @Test
  void aTeardownSaysTheUndosOneReadSeesNewestFirst() {
    server.startLab("three-steps-1");

    DoubleLabServer.Result r = server.labflow("teardown", "three-steps-1");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all()).startsWith("Tearing lab three-steps-1 down (following up to"
        + " 1h)...\n  COMPENSATED  policy (CreatePolicy)\n  COMPENSATED  role (CreateRole)\n"
        + "  COMPENSATED  stack (CreateStack)\nlab three-steps-1: TORN_DOWN\n");
  }

  /**
   * The command's thread interrupted while it follows, by no Ctrl-C or stop (no hook ran): one
   * sentence says so (before: exit 1 in silence, as if a hook had said its sentence).
   */
  @Test
  void anInterruptionThatIsNoStopIsSaidInOneSentence() {
    server.startLab("sw-interrupted");
    AtomicBoolean sent = new AtomicBoolean();
    AtomicBoolean interrupted = new AtomicBoolean();
    server.interceptCommands(next -> new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public <R> WorkflowUpdateHandle<R> startUpdate(StartUpdateInput<R> input) {
        sent.set(true);
        return super.startUpdate(input);
      }

      @Override
      public DescribeWorkflowOutput describe(DescribeWorkflowInput input) {
        // Once the follow's first description is in: its next wait is interrupted.
        DescribeWorkflowOutput described = super.describe(input);
        if (sent.get() && interrupted.compareAndSet(false, true)) {
          Thread.currentThread().interrupt();
        }
        return described;
      }
    });
    try {
      DoubleLabServer.Result r = server.labflow("switch-variant", "sw-interrupted", "read-write");

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.out()).as(r.all()).isEqualTo("Switching lab sw-interrupted to variant"
          + " read-write...\n");
      assertThat(r.err()).as(r.all()).isEqualTo("labflow: interrupted before the command"
          + " finished; what it sent may still be under way (labflow list)\n");
    } finally {
      server.commandClient = server.client;
      Thread.interrupted();
    }
  }

  /**
   * Temporal going away while a switch is followed: the wait is said after 3 s, then the follow
   * ends saying the lab goes on (before: silent for as long as the SDK retried, about a minute,
   * then `cannot reach Temporal ...; start the local stack`, as if nothing had been sent).
   */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void temporalGoingAwayWhileFollowingIsSaidAndTheLabGoesOn() {
    server.startLab("sw-away");
    AtomicBoolean sent = new AtomicBoolean();
    server.interceptCommands(next -> new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public <R> WorkflowUpdateHandle<R> startUpdate(StartUpdateInput<R> input) {
        WorkflowUpdateHandle<R> handle = super.startUpdate(input);
        sent.set(true);
        return handle;
      }

      @Override
      public DescribeWorkflowOutput describe(DescribeWorkflowInput input) {
        if (!sent.get()) {
          return super.describe(input);
        }
        // As the SDK's own retries of a server that refuses connections, then their end.
        try {
          Thread.sleep(4_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new StatusRuntimeException(Status.UNAVAILABLE.withDescription("io exception"));
      }
    });
    try {
      DoubleLabServer.Result r = server.labflow("switch-variant", "sw-away", "read-write");

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.out()).as(r.all()).isEqualTo("Switching lab sw-away to variant read-write...\n"
          + "  Temporal at " + server.client.getWorkflowServiceStubs().getOptions().getTarget()
          + " has not answered for 3 s; waiting for it (the lab goes on without this command)\n");
      assertThat(r.err()).as(r.all()).isEqualTo("labflow: Temporal at "
          + server.client.getWorkflowServiceStubs().getOptions().getTarget() + " stopped"
          + " answering (UNAVAILABLE) while this command followed lab sw-away; the lab goes on"
          + " without it: labflow status sw-away once Temporal answers\n");
    } finally {
      server.commandClient = server.client;
    }
  }

  /**
   * A switch done before the follow's first read: its step is a follow line, once, and no step
   * done before the switch is (before: the step showed only in the final table, the follower
   * taking the steps of its first read as not news). Again the other way: its step, done anew
   * with another policy version, is news again.
   */
  @Test
  void aSwitchDoneBeforeTheFirstReadIsFollowedStepByStep() {
    server.startLab("quick-switch-1");

    DoubleLabServer.Result there =
        server.labflow("switch-variant", "quick-switch-1", "read-write");
    DoubleLabServer.Result back = server.labflow("switch-variant", "quick-switch-1", "default");

    assertThat(there.code()).as(there.all()).isZero();
    assertThat(there.out()).as(there.all()).startsWith("Switching lab quick-switch-1 to variant"
        + " read-write...\n  DONE         update-policy (CreatePolicyVersion) versionId=v2\n"
        + "lab quick-switch-1: LIVE\n\n");
    assertThat(back.code()).as(back.all()).isZero();
    assertThat(back.out()).as(back.all()).startsWith("Switching lab quick-switch-1 to variant"
        + " default...\n  DONE         update-policy (CreatePolicyVersion) versionId=v3\n"
        + "lab quick-switch-1: LIVE\n\n");
    assertThat(there.out() + back.out()).as(there.all() + back.all())
        .doesNotContain("stack (CreateStack)");
  }

  /**
   * A worker polled within the last 70 s but none takes the teardown: the wait for one said after
   * 3 s, then recorded, said as it is (before: `no worker polls task queue Q (none in the last 70
   * s)`, which was not so).
   */
  @Test
  void aTeardownNoWorkerTakesThoughOnePolledIsRecordedAndSaidAsItIs() {
    server.startLab("td-untaken", "stopped-worker");

    DoubleLabServer.Result r = server.labflow("teardown", "td-untaken");

    assertThat(r.code()).as(r.all()).isEqualTo(4);
    assertThat(r.err()).as(r.all()).isEqualTo("Waiting up to 15 s for a worker polling task"
        + " queue stopped-worker to take the teardown...\n"
        + "labflow: no worker took the teardown within 15 s,"
        + " though one polled task queue stopped-worker in the last 70 s: start one with"
        + " ./labflow worker, or the local stack with ./scripts/stack up; teardown of lab"
        + " td-untaken recorded; will run when a worker polls (labflow status td-untaken shows"
        + " it)\n");
    assertThat(server.labflow("status", "td-untaken").out()).contains("Teardown: recorded");
  }

  /**
   * A worker polled within the last 70 s but none answers the status query: said after 3 s, then
   * the server's record, saying why (before: 10 s of silence first); with --json, one sentence.
   */
  @Test
  void aStatusQueryNoWorkerAnswersSaysWhatItWaitsForThenShowsTheRecord() {
    server.startLab("st-unanswered", "stopped-worker");

    DoubleLabServer.Result text = server.labflow("status", "st-unanswered");
    DoubleLabServer.Result json = server.labflow("status", "--json", "st-unanswered");

    String asking = "Asking lab st-unanswered for its status (a worker polling task queue"
        + " stopped-worker answers it; up to 10 s)...\n";
    assertThat(text.code()).as(text.all()).isZero();
    assertThat(text.err()).as(text.all()).isEqualTo(asking);
    assertThat(text.out()).as(text.all()).contains("\n(the lab did not answer its status query"
        + " within seconds: this is the server's record)\n");
    assertThat(json.code()).as(json.all()).isEqualTo(1);
    assertThat(json.err()).as(json.all()).startsWith(asking + "labflow: lab st-unanswered did not"
        + " answer its status query within seconds; try again, or see the Web UI: ");
    assertThat(json.out()).as(json.all()).isEmpty();
  }
}
