package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * With no worker polling, every command that needs one answers at once with what to start (no
 * silent wait), and a teardown asked for then is recorded and happens once a worker is back.
 */
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoWorkerE2eTest extends OnLocalStack {

  private static final String QUEUE = "e2e-no-worker";
  private static final String LAB = "e2e-nowork";

  /**
   * The bound on each command's answer, JVM start included. The commands bound their own calls to
   * seconds; the bound is wider so that a loaded machine does not fail the test, and far below
   * the silences it guards against (run: forever, teardown: an hour, status: 63 s).
   */
  private static final Duration ANSWER = Duration.ofSeconds(30);

  /**
   * A live lab whose only worker has stopped. The server counts a stopped worker's pollers for
   * {@link Pollers#FRESH} after their last poll, so this is done before the class's other test,
   * which runs while that time passes.
   */
  @BeforeAll
  static void liveLabWithoutItsWorker() throws Exception {
    ManagedProcess first = stack.startWorker("noworker-first", QUEUE).awaitLog("polling", READY);
    Cli.Result live = Cli.run(stack.env(QUEUE), "run", Labs.file("iam-mini").toString(),
        "--lab-id", LAB, "-p", "bucket=e2e-nowork-bucket");
    assertThat(live.exitCode()).as(live.all()).isZero();
    assertThat(live.out()).contains("DONE         role (CreateRole) roleName=" + LAB + "-role");
    assertThat(first.terminate(Duration.ofSeconds(30))).isNotEqualTo(-1);
  }

  @Test
  @Order(2)
  void withNoWorkerCommandsAnswerAtOnceAndARecordedTeardownRunsWhenAWorkerIsBack() throws Exception {
    Map<String, String> env = stack.env(QUEUE);
    awaitPolled(QUEUE, false);

    Cli.Result run = timed(env, "run", Labs.file("iam-mini").toString(), "--lab-id", "e2e-never");
    assertThat(run.exitCode()).as(run.all()).isEqualTo(4);
    assertThat(run.err().strip()).isEqualTo("labflow: " + Pollers.none(QUEUE) + "; lab e2e-never not started");
    assertThat(stack.client().listExecutions("WorkflowId='e2e-never'").count()).isZero();

    Cli.Result status = timed(env, "status", LAB);
    assertThat(status.exitCode()).as(status.all()).isZero();
    assertThat(status.out()).contains(
        "Workflow " + LAB + " run ", ": RUNNING",
        "Lab " + LAB + "  definition=iam-mini  variant=read-only  state=LIVE (LabState search attribute)",
        "(" + Pollers.none(QUEUE) + ". This is the server's record; the steps need a worker)");

    Cli.Result teardown = timed(env, "teardown", LAB);
    assertThat(teardown.exitCode()).as(teardown.all()).isEqualTo(4);
    assertThat(teardown.err().strip()).isEqualTo("labflow: " + Pollers.none(QUEUE) + "; teardown of lab "
        + LAB + " recorded; will run when a worker polls (labflow status " + LAB + " shows it)");
    assertThat(iam.roles(LAB)).hasSize(1);

    ManagedProcess second = stack.startWorker("noworker-second", QUEUE).awaitLog("polling", READY);
    LabResult result = stack.client().newUntypedWorkflowStub(LAB)
        .getResult(120, TimeUnit.SECONDS, LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(iam.roles(LAB)).isEmpty();
    assertThat(iam.policies(LAB)).isEmpty();

    // A torn-down lab: its teardown succeeds again, the other requests are errors, not usage.
    Cli.Result again = Cli.run(env, "teardown", LAB);
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.out()).contains("lab " + LAB + " is already torn down (run ", "nothing left to tear down");
    Cli.Result switched = Cli.run(env, "switch-variant", LAB, "read-write");
    assertThat(switched.exitCode()).as(switched.all()).isEqualTo(1);
    assertThat(switched.err()).startsWith("labflow: lab " + LAB + " is already torn down (run ");
    Cli.Result resumed = Cli.run(env, "resume", LAB, "--retry");
    assertThat(resumed.exitCode()).as(resumed.all()).isEqualTo(1);
    assertThat(resumed.err()).startsWith("labflow: lab " + LAB + " is already torn down (run ");
    Cli.Result none = Cli.run(env, "status", "no-such-lab");
    assertThat(none.exitCode()).as(none.all()).isEqualTo(1);
    assertThat(none.err().strip()).isEqualTo("labflow: no lab `no-such-lab` in namespace `default` (no run"
        + " with that workflow id); start it with `labflow run` or from the Web UI");
    second.close();
  }

  @Test
  @Order(1)
  void fleetDeleteWithARolledBackLabTearsTheRestDownAndSucceedsOneLineALab(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    String queue = "e2e-fleet-delete";
    Map<String, String> env = stack.env(queue);
    ManagedProcess worker = stack.startWorker("fleet-delete", queue).awaitLog("polling", READY);
    Path file = dir.resolve("fd.yaml");
    Files.writeString(file, "name: fd\ndefinition: iam-mini\nlabs: [fd-01, fd-02]\n"
        + "schedule:\n  cron: \"0 3 * * *\"\n  timeZone: UTC\n");
    Cli.Result applied = Cli.run(env, "fleet", "apply", file.toString(), "--paused");
    assertThat(applied.exitCode()).as(applied.all()).isZero();
    for (String lab : new String[] {"fd-01", "fd-02"}) {
      Cli.Result r = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", lab,
          "-p", "bucket=" + lab + "-bucket");
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
    WorkflowStub rolledBack = stack.client().newUntypedWorkflowStub("fd-02");
    rolledBack.cancel();
    awaitClosed(rolledBack);
    assertThat(rolledBack.describe().getTypedSearchAttributes().get(LabSearchAttributes.STATE))
        .isEqualTo("ROLLED_BACK");

    Cli.Result deleted = Cli.run(env, "fleet", "delete", "fd", "--teardown-labs");

    assertThat(deleted.exitCode()).as(deleted.all() + worker.tail()).isZero();
    assertThat(deleted.out().lines()).hasSize(4);
    assertThat(deleted.out().lines().toList().get(1)).isEqualTo("  fd-01: torn down");
    assertThat(deleted.out().lines().toList().get(2)).startsWith("  fd-02: lab fd-02 already ended: it was"
        + " rolled back (run ").endsWith("; nothing left to tear down");
    assertThat(deleted.out()).contains("Tore down 1 of 2 labs; 1 had nothing left to tear down\n");
    assertThat(iam.roles("fd-01")).isEmpty();
    worker.close();
  }

  /**
   * A follow ended by a signal (Ctrl-C; here SIGTERM, which runs the same shutdown hooks) says the
   * lab goes on and how to reach it (before: the command ended in silence).
   */
  @Test
  @Order(3)
  void aFollowEndedByASignalSaysTheLabGoesOn() throws Exception {
    // Said by the follow, so its shutdown hook is in place ("Started lab" comes before it).
    String tail = endedBySignal("e2e-signal", "to answer...", "run",
        Labs.file("iam-mini").toString(), "--lab-id", "e2e-signal", "-p", "bucket=e2e-signal-b");

    assertThat(tail).contains("Stopped following lab e2e-signal; it goes on: labflow status"
        + " e2e-signal, or labflow teardown e2e-signal");
    WorkflowStub lab = stack.client().newUntypedWorkflowStub("e2e-signal");
    assertThat(lab.describe().getStatus())
        .isEqualTo(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    lab.terminate("test done: no worker ever ran it");
  }

  /**
   * `labflow test` promises the lab's teardown: ended by a signal while it waits for the lab to be
   * LIVE, it asks for it (the requestTeardown signal, taken in any state) and says so (before: it
   * ended in silence, and the lab stayed until its keep-alive ran out).
   */
  @Test
  @Order(4)
  void aTestEndedByASignalAsksItsLabToTearDown() throws Exception {
    // Said once its shutdown hook is in place.
    String tail = endedBySignal("e2e-test-signal", "to be LIVE", "test",
        Labs.file("iam-mini").toString(), "--lab-id", "e2e-tsig", "-p", "bucket=e2e-tsig-b");

    assertThat(tail).contains("Stopped; asked lab e2e-tsig to tear down: labflow status e2e-tsig");
    assertThat(stack.client().fetchHistory("e2e-tsig").getEvents().stream()
        .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
        .containsExactly("requestTeardown");
    stack.client().newUntypedWorkflowStub("e2e-tsig").terminate("test done: no worker ran it");
  }

  /**
   * The output of {@code labflow ARGS} on {@code queue}, whose only worker was killed (its poller
   * still counts for 70 s, so the command starts its lab), ended by SIGTERM once it printed
   * {@code shown}.
   */
  private static String endedBySignal(String queue, String shown, String... args)
      throws Exception {
    ManagedProcess worker = stack.startWorker(queue + "-worker", queue).awaitLog("polling", READY);
    // The command reads the pollers the server lists: the worker's polls must have reached it.
    awaitPolled(queue, true);
    worker.kill9();
    ManagedProcess cli =
        ManagedProcess.start(queue + "-cli", Jvm.command(args), stack.env(queue), stack.logDir());
    cli.awaitLog(shown, READY);
    cli.terminate(Duration.ofSeconds(30));
    return cli.tail();
  }

  private static Cli.Result timed(Map<String, String> env, String... args) {
    long start = System.nanoTime();
    Cli.Result r = Cli.runWithin(ANSWER, env, args);
    System.out.printf("labflow %s answered in %d ms with no worker%n", args[0],
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return r;
  }

  private static void awaitClosed(WorkflowStub run) throws InterruptedException {
    while (run.describe().getStatus()
        == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      Thread.sleep(200);
    }
  }

  /**
   * Waits until the server counts a worker polling {@code queue}, or ({@code polled} false) no
   * longer does: it lists a worker once its polls reach it, and a stopped one's for minutes.
   */
  private static void awaitPolled(String queue, boolean polled) throws InterruptedException {
    try (TemporalConnection conn = TemporalConnection.open(
        b -> b.setTarget(stack.temporalAddress()))) {
      while (Pollers.polled(conn, queue) != polled) {
        Thread.sleep(polled ? 200 : 1000);
      }
    }
  }
}
