package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of the subcommands: output streams, root options, Temporal connection. */
abstract class BaseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  LabflowCommand root() {
    return (LabflowCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * The task queue of the lab's open run, once a worker is seen polling it: a lab without an open
   * run is a {@link ClosedLab.Ended}, a queue no worker polls a {@link NoWorker} saying {@code
   * unsent}, both within seconds.
   */
  String workerFor(TemporalConnection conn, String labId, String unsent) {
    String queue = ClosedLab.openRunQueue(conn.client(), labId);
    if (!root().polled.test(conn, queue)) {
      throw new NoWorker(queue, unsent);
    }
    return queue;
  }

  /** How long a worker that polls has to accept or refuse an Update. */
  static final Duration ACCEPT = Duration.ofSeconds(15);

  /**
   * Sends the lab's Update {@code name} and waits up to {@link #ACCEPT} for a worker to accept it:
   * false when none did; a refusal, or a lab whose run has ended, is thrown at once.
   */
  static boolean accepted(TemporalConnection conn, String labId, String name, Object... args)
      throws InterruptedException {
    return taken(conn, labId, name, LabStatus.class, args) != null;
  }

  /**
   * Sends the lab's Update {@code name} and returns its answer once the lab has given it: a
   * worker that polls {@code queue} but does not accept it within {@link #ACCEPT} is a {@link
   * NoWorker}; a refusal, or a lab whose run has ended, is thrown at once.
   */
  static <T> T answer(TemporalConnection conn, String queue, String labId, String name,
      Class<T> type, Object... args) throws InterruptedException {
    WorkflowUpdateHandle<T> handle = taken(conn, labId, name, type, args);
    if (handle == null) {
      throw notTaken(queue, labId, name);
    }
    return handle.getResult();
  }

  /** The lab's worker polls {@code queue} but took none of its Update {@code what}. */
  static NoWorker notTaken(String queue, String labId, String what) {
    return new NoWorker(queue, "no worker took the " + what + " within " + ACCEPT.toSeconds()
        + " s; the server keeps it for a worker that comes back (labflow status " + labId + ")");
  }

  /**
   * The Update's handle once a worker accepted it; null when none did within {@link #ACCEPT}. A
   * refusal is thrown.
   */
  private static <T> WorkflowUpdateHandle<T> taken(TemporalConnection conn, String labId,
      String name, Class<T> type, Object... args) throws InterruptedException {
    CompletableFuture<WorkflowUpdateHandle<T>> taken = CompletableFuture.supplyAsync(
        () -> ClosedLab.guard(conn.client(), labId,
            () -> conn.client().newUntypedWorkflowStub(labId).startUpdate(
                UpdateOptions.newBuilder(type).setUpdateName(name)
                    .setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(), args)));
    WorkflowUpdateHandle<T> handle;
    try {
      handle = taken.get(ACCEPT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    if (handle.getResultAsync().isCompletedExceptionally()) {
      // A rejected Update comes back as a handle whose result is the rejection.
      handle.getResult();
    }
    return handle;
  }

  /** Records a teardown as a signal the lab acts on once a worker polls it. */
  static void recordTeardown(TemporalConnection conn, String labId) {
    ClosedLab.guard(conn.client(), labId, () -> {
      conn.client().newWorkflowStub(LabWorkflow.class, labId).requestTeardown();
      return null;
    });
  }

  /**
   * Follows the lab's run until it closes, reaches one of {@code stopAt} or {@code timeout} has
   * passed, then prints its status.
   */
  LabFollower.Outcome follow(TemporalConnection conn, String labId, String runId,
      Duration timeout, Set<LabState> stopAt) throws InterruptedException {
    LabFollower.Outcome outcome = new LabFollower(conn, out(), Duration.ofMillis(500))
        .follow(labId, runId, timeout, stopAt);
    out().println();
    outcome.status().ifPresent(s -> StatusPrinter.print(s, out()));
    return outcome;
  }

  void printWebUi(TemporalConnection conn, String workflowId) {
    out().println("Web UI: " + conn.uiAddress(workflowId));
  }

  TemporalConnection connect() {
    return root().connector.get();
  }
}
