package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.LabState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor.WorkflowSignalInput;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labflow test} on a double lab with two learner tasks: exit 0 on a clean run, 1 when a
 * task passes before its solve, when a solve does not make its task pass, or when something is
 * left; the lab torn down in every case.
 */
@Tag("fast")
class LabTestCommandTest {

  /** Any valid definition: the double lab plays the tasks. */
  static final String DEFINITION =
      """
      name: learner-lab
      steps:
        - id: role
          action: CreateRole
          with:
            labId: ${lab.labId}
            roleName: ${lab.labId}-role
            servicePrincipal: ec2.amazonaws.com
      """;

  @TempDir static Path dir;
  private static Path file;
  private static DoubleLabServer server;

  @BeforeAll
  static void start() throws Exception {
    file = Files.writeString(dir.resolve("learner-lab.yaml"), DEFINITION);
    server = new DoubleLabServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static DoubleLabServer.Result test(String labId, LearnerLabDouble.Script script) {
    LearnerLabDouble.SCRIPTS.put(labId, script);
    return server.labflow("test", file.toString(), "--lab-id", labId);
  }

  private static LabState endOf(String labId) {
    return server.client.newUntypedWorkflowStub(labId).getResult(LabResult.class).state();
  }

  @Test
  void aCleanRunExits0WithOneLinePerTaskAndTearsDown() {
    DoubleLabServer.Result r = test("clean-1", LearnerLabDouble.Script.CLEAN);

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all()).contains(
        "Waiting up to 30m for lab clean-1 to be LIVE (its provisioning steps)...\n",
        "task create-role          ok: 2 of 2 conditions fail before its solve, all pass after\n",
        "task create-policy        ok: 1 of 1 conditions fail before its solve, all pass after\n",
        "Tearing lab clean-1 down; waiting up to 30m for its run to end TORN_DOWN...\n",
        "Left of lab clean-1: 0 resources\n",
        "labflow test learner-lab (lab clean-1): 2 tasks, 2 pass only after their solve,"
            + " 0 deviations: PASSED\n");
    assertThat(endOf("clean-1")).isEqualTo(LabState.TORN_DOWN);
  }

  @Test
  void aTaskThatPassesBeforeItsSolveIsADeviationExit1AndTheLabIsTornDown() {
    DoubleLabServer.Result r =
        test("early-1", new LearnerLabDouble.Script(Set.of("create-role"), Set.of()));

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).as(r.all()).contains(
        "task create-role          DEVIATION: task create-role passes before its solve\n",
        "task create-policy        ok: 1 of 1 conditions fail before its solve, all pass after\n",
        ": 2 tasks, 1 pass only after their solve, 1 deviation: FAILED\n",
        "  deviation: task create-role passes before its solve\n");
    assertThat(endOf("early-1")).isEqualTo(LabState.TORN_DOWN);
  }

  @Test
  void aSolveThatDoesNotMakeItsTaskPassIsADeviationExit1AndTheLabIsTornDown() {
    DoubleLabServer.Result r =
        test("broken-1", new LearnerLabDouble.Script(Set.of(), Set.of("create-role")));

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).as(r.all()).contains(
        "task create-role          DEVIATION: task create-role does not pass after its solve:"
            + " trusts-ec2 (The role must let EC2, and only EC2, assume it.; found: the trust policy"
            + " lets lambda.amazonaws.com assume labflow-broken-1-role; only ec2.amazonaws.com may),"
            + " has-boundary (The role must carry the lab's permissions boundary.)\n",
        "task create-policy        not tested: task create-role was not done\n",
        ": 2 tasks, 0 pass only after their solve, 1 deviation: FAILED\n");
    assertThat(endOf("broken-1")).isEqualTo(LabState.TORN_DOWN);
  }

  @Test
  void whatIsLeftAfterTheTeardownIsADeviation() {
    server.leftovers = labId -> List.of("roles labflow-" + labId + "-role");
    try {
      DoubleLabServer.Result r = test("left-1", LearnerLabDouble.Script.CLEAN);

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.out()).as(r.all()).contains(
          "Left of lab left-1: 1 resources: roles labflow-left-1-role\n",
          "  deviation: 1 resources of lab left-1 left after its teardown:"
              + " roles labflow-left-1-role\n");
    } finally {
      server.leftovers = labId -> List.of();
    }
    assertThat(endOf("left-1")).isEqualTo(LabState.TORN_DOWN);
  }

  /** Temporal's calls, but the teardown Update does not reach it (UNAVAILABLE). */
  private static class TeardownUnreached extends WorkflowClientCallsInterceptorBase {
    TeardownUnreached(WorkflowClientCallsInterceptor next) {
      super(next);
    }

    @Override
    public <R> WorkflowUpdateHandle<R> startUpdate(StartUpdateInput<R> input) {
      if (input.getUpdateName().equals("teardown")) {
        throw Status.UNAVAILABLE.asRuntimeException();
      }
      return super.startUpdate(input);
    }
  }

  @Test
  void aTeardownThatFailsIsADeviationAndWhatIsLeftIsStillCountedAndSummarized() {
    // Temporal stops answering once the tasks are tested: neither the teardown nor its record
    // reaches the lab.
    server.interceptCommands(next -> new TeardownUnreached(next) {
      @Override
      public WorkflowSignalOutput signal(WorkflowSignalInput input) {
        throw Status.UNAVAILABLE.asRuntimeException();
      }
    });
    try {
      DoubleLabServer.Result r = test("unreachable-1", LearnerLabDouble.Script.CLEAN);

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.out()).as(r.all()).contains(
          "Left of lab unreachable-1: 0 resources\n",
          ": 2 tasks, 2 pass only after their solve, 1 deviation: FAILED\n",
          "  deviation: the teardown failed: cannot reach Temporal (UNAVAILABLE)");
    } finally {
      server.commandClient = server.client;
      server.client.newWorkflowStub(LabWorkflow.class, "unreachable-1").requestTeardown();
    }
  }

  /**
   * A SIGTERM as the lab's start is sent: the hook is in place already, waits for the start and
   * asks the lab to tear down (before: the hook was added after the start, so a JVM shutting down
   * in between halted with the lab live, without the sentence or the request).
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aSignalAsTheLabStartsFindsTheHookInPlaceAndAsksTheLabToTearDown() throws Exception {
    DoubleLabServer.Stopped s = server.stoppedAtStart(() -> {},
        () -> test("sigterm-1", LearnerLabDouble.Script.CLEAN));
    String out = s.out();

    assertThat(s.hooks()).as(s.result().all()).isEqualTo(1);
    assertThat(out.split("\nStopped; asked lab sigterm-1 to tear down: labflow status"
        + " sigterm-1\n", -1)).as(out).hasSize(2);
    assertThat(server.client.fetchHistory("sigterm-1").getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
        .as(s.result().all()).contains("requestTeardown");
  }

  /**
   * A stop while Temporal has not answered the start: the hook says what it waits for (before: it
   * waited in silence), then asks the lab to tear down.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aStopWaitingForTheStartSaysWhatItWaitsFor() throws Exception {
    String waiting = "\nStopping; waiting for Temporal to answer the start of lab sigterm-2...\n";
    // The start is answered once the hook has said it waits, or after 30 s.
    String out = server.stoppedAtStart(() -> {
      for (int i = 0; i < 300 && !server.out.toString().contains(waiting); i++) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }, () -> test("sigterm-2", LearnerLabDouble.Script.CLEAN)).out();

    assertThat(out.split(waiting, -1)).as(out).hasSize(2);
    assertThat(out.split("\nStopped; asked lab sigterm-2 to tear down: labflow status"
        + " sigterm-2\n", -1)).as(out).hasSize(2);
  }

  /**
   * The teardown's follow starts from the lab's status before it: the provisioning step is said
   * DONE once, as the lab goes live (before: again at the teardown's first read). The teardown is
   * refused now, and its record reaches the lab after the follow's first read.
   */
  @Test
  void theTeardownSaysOnlyWhatItChanges() {
    AtomicReference<WorkflowSignalInput> held = new AtomicReference<>();
    server.interceptCommands(next -> new TeardownUnreached(next) {
      @Override
      public WorkflowSignalOutput signal(WorkflowSignalInput input) {
        held.set(input);
        return new WorkflowSignalOutput();
      }

      @Override
      public <R> QueryOutput<R> query(QueryInput<R> input) {
        QueryOutput<R> answer = super.query(input);
        WorkflowSignalInput signal = held.getAndSet(null);
        if (signal != null) {
          super.signal(signal);
        }
        return answer;
      }
    });
    DoubleLabServer.Result r;
    try {
      r = test("clean-2", LearnerLabDouble.Script.CLEAN);
    } finally {
      server.reset();
    }

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("  DONE         stack (CreateStack)")))
        .as(r.all()).hasSize(1);
    assertThat(r.out().lines().filter(l -> l.startsWith("  COMPENSATED  stack (CreateStack)")))
        .as(r.all()).hasSize(1);
  }

  /**
   * A SIGTERM before the start (the JVM already shutting down when the hook is added): nothing is
   * started and nothing said of a lab (before: the lab was started, then asked to tear down).
   */
  @Test
  void aStopBeforeTheStartStartsNothingAndSaysNothingOfALab() {
    server.hook = hook -> {
      throw new IllegalStateException("Shutdown in progress");
    };
    DoubleLabServer.Result r;
    try {
      r = test("sigterm-early-1", LearnerLabDouble.Script.CLEAN);
    } finally {
      server.hook = null;
    }

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out() + r.err()).isEmpty();
    assertThat(catchThrowable(
        () -> server.client.newUntypedWorkflowStub("sigterm-early-1").describe()))
        .as(r.all()).isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void aMissingDefinitionIsAUsageErrorAndNothingStarts() {
    DoubleLabServer.Result r = server.labflow("test", dir.resolve("nowhere.yaml").toString());

    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
  }
}
