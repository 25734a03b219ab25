package io.labflow.worker.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.worker.client.ActivityProgress;
import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of the subcommands: output streams, root options, Temporal connection. */
abstract class BaseCommand implements Callable<Integer> {

  /** How long a worker that polls has to accept or refuse an Update. */
  static final Duration ACCEPT = Duration.ofSeconds(15);

  @Spec CommandSpec spec;

  /** How often following a lab asks for its status (tests of {@code labflow test} ask faster). */
  Duration poll = Duration.ofMillis(500);

  LabflowCommand root() {
    return (LabflowCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The command line's one connection to Temporal, opened when first asked for; Main closes it. */
  TemporalConnection connect() {
    LabflowCommand root = root();
    if (root.connection == null) {
      root.connection = root.connector.get();
      TemporalConnection c = root.connection;
      c.checkAnswers(() -> err().printf("labflow: Temporal at %s has not answered in %s; waiting up"
          + " to %s more%n", c.service().getOptions().getTarget(),
          Durations.format(TemporalConnection.FIRST_ANSWER),
          Durations.format(c.service().getOptions().getRpcTimeout())).flush());
    }
    return root.connection;
  }

  /**
   * Sends the lab's Update {@code name} and returns its answer once the lab has given it, saying
   * after {@link TemporalConnection#FIRST_ANSWER} what it waits for: a worker that polls {@code
   * queue} but does not accept it within {@link #ACCEPT}, or no worker polling it any more while
   * its answer is awaited, is a {@link NoWorker}; a refusal, or a lab whose run has ended, is
   * thrown at once.
   */
  <T> T answer(String queue, String labId, String name, Class<T> type, Object... args)
      throws InterruptedException {
    WorkflowUpdateHandle<T> handle = taken(queue, labId, name, type, args);
    WorkflowClient client = connect().client();
    ActivityProgress progress =
        new ActivityProgress(client.getOptions().getDataConverter(), err());
    Runnable say = () -> {
      err().println("Waiting for lab " + labId + " to answer its " + name
          + " (taken by a worker on task queue " + queue + ")...");
      progress.printFor(client, labId);
    };
    for (Runnable once = say; ; once = () -> { }) {
      try {
        return LabFollower.within(ACCEPT, once, handle::getResult);
      } catch (TimeoutException e) {
        if (!root().polled.test(connect(), queue)) {
          throw new NoWorker(queue, "the worker that took the " + name + " is gone; the server"
              + " keeps it for a worker that comes back (labflow status " + labId + ")");
        }
        progress.printFor(client, labId);
      }
    }
  }

  /** The lab's Update {@code name}'s handle once a worker took it; none is a {@link NoWorker}. */
  <T> WorkflowUpdateHandle<T> taken(String queue, String labId, String name, Class<T> type,
      Object... args) throws InterruptedException {
    WorkflowUpdateHandle<T> handle = sent(queue, labId, name, type, args);
    if (handle == null) {
      throw NoWorker.untaken(queue, name, "the server keeps it for a worker that comes back"
          + " (labflow status " + labId + ")");
    }
    return handle;
  }

  /**
   * Sends the lab's Update {@code name}: its handle once a worker polling {@code queue} accepted
   * it, null when none did within {@link #ACCEPT} (said after {@link
   * TemporalConnection#FIRST_ANSWER}). A refusal, or a lab whose run has ended, is thrown at once.
   */
  <T> WorkflowUpdateHandle<T> sent(String queue, String labId, String name, Class<T> type,
      Object... args) throws InterruptedException {
    WorkflowClient client = connect().client();
    Runnable say = () -> err().println("Waiting up to " + ACCEPT.toSeconds() + " s for a worker"
        + " polling task queue " + queue + " to take the " + name + "...");
    WorkflowUpdateHandle<T> handle;
    try {
      handle = LabFollower.within(ACCEPT, say,
          () -> ClosedLab.guard(client, labId, () -> client.newUntypedWorkflowStub(labId)
              .startUpdate(UpdateOptions.newBuilder(type).setUpdateName(name)
                  .setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(), args)));
    } catch (TimeoutException e) {
      // Walked: one such Update was applied once a worker could run the history, another dropped.
      unlessTaskFailing(labId, "has not taken the " + name + ", and may take it or not once a"
          + " worker can run its history (the server keeps an Update not yet taken in memory"
          + " only): then see labflow status " + labId + ", and send it again if it did not");
      return null;
    } catch (RuntimeException e) {
      // The server refuses an Update while the lab's workflow task keeps failing.
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof StatusRuntimeException s
            && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
          unlessTaskFailing(labId, "refused the " + name + ": the server takes no Update while"
              + " the lab's workflow task keeps failing");
        }
      }
      throw e;
    }
    if (handle.getResultAsync().isCompletedExceptionally()) {
      // A rejected Update comes back as a handle whose result is the rejection.
      handle.getResult();
    }
    return handle;
  }

  /**
   * Throws, saying what became of the Update ({@code outcome}) and why, when the lab's workflow
   * task keeps failing: its worker polls, but takes no Update until it can run the lab's history.
   */
  private void unlessTaskFailing(String labId, String outcome) {
    FailingTask.of(connect().client(), labId).ifPresent(failing -> {
      throw new IllegalStateException("lab " + labId + " " + outcome + ". " + failing);
    });
  }

  /** Records a teardown as a signal the lab acts on once a worker polls it. */
  void recordTeardown(String labId) {
    WorkflowClient client = connect().client();
    ClosedLab.guard(client, labId, () -> {
      client.newWorkflowStub(LabWorkflow.class, labId).requestTeardown();
      return null;
    });
  }

  /**
   * Follows the lab's run as {@link LabFollower#follow} does until it closes, is {@code done} or
   * {@code timeout} has passed, then prints its status.
   */
  LabFollower.Outcome follow(String labId, String runId, LabStatus since, Duration timeout,
      Predicate<LabStatus> done) throws InterruptedException {
    LabFollower.Outcome outcome;
    // Ctrl-C ends the command, not the lab, which a person could not tell from silence.
    try (Hook stop = onStop(() -> goesOn(labId))) {
      outcome =
          new LabFollower(connect(), out(), poll).follow(labId, runId, since, timeout, done);
    }
    return printed(outcome);
  }

  /** The sentence of a command stopped while the lab it follows goes on. */
  void goesOn(String labId) {
    out().printf("%nStopped following lab %s; it goes on: labflow status %1$s, or labflow"
        + " teardown %1$s%n", labId);
  }

  /** The outcome of a follow, its lab's status printed. */
  LabFollower.Outcome printed(LabFollower.Outcome outcome) {
    out().println();
    outcome.status().ifPresent(s -> StatusPrinter.print(s, out()));
    return outcome;
  }

  /** The lab's status before a request, which its follow starts from; null when none answers. */
  LabStatus before(String labId) {
    try {
      return LabFollower.query(connect(), labId, null, () -> { }).orElse(null);
    } catch (IllegalStateException failedQuery) {
      return null;
    }
  }

  /** A JVM shutdown hook in place until closed. */
  interface Hook extends AutoCloseable {
    @Override
    void close() throws InterruptedException;
  }

  /** The JVM shuts down (Ctrl-C, SIGTERM): a hook said its sentence, which is the last word. */
  static final class Stopped extends InterruptedException {}

  /**
   * Runs {@code stopped} when Ctrl-C or SIGTERM ends the command before the returned hook is
   * closed, or at once when it already has. Once the JVM shuts down, making or closing the hook
   * throws {@link Stopped}, which Main does not print: {@code stopped} has the last word.
   */
  Hook onStop(Runnable stopped) throws InterruptedException {
    Thread hook = new Thread(() -> {
      stopped.run();
      out().flush();
    });
    try {
      change(root().hook, hook);
    } catch (InterruptedException before) {
      hook.run();
      throw before;
    }
    return () -> change(root().unhook, hook);
  }

  private static void change(Consumer<Thread> hooks, Thread hook) throws InterruptedException {
    try {
      hooks.accept(hook);
    } catch (IllegalStateException shuttingDown) {
      throw new Stopped();
    }
  }

  /**
   * Prints where a followed lab stands and what to do next, and returns the exit code of a command
   * that started or resumed it: 0 live or completed, 3 paused, 1 failed or rolled back.
   */
  int summarize(LabFollower.Outcome outcome, String labId) {
    LabState state = outcome.state();
    if (outcome.closed()) {
      String closed = StatusPrinter.name(outcome.executionStatus());
      out().println("Lab " + labId + " run closed: " + closed
          + (state == null || state.name().equals(closed) ? "" : " (" + state + ")"));
    } else if (state == LabState.LIVE) {
      boolean learner = outcome.status().map(LabStatus::learner).isPresent();
      List<String> to = outcome.status().map(LabStatus::switchTo).orElse(List.of());
      out().println("Lab " + labId + " is LIVE. Next: " + (learner ? "labflow credentials " + labId
          + " | labflow check " + labId + " | " : "") + (to.isEmpty() ? ""
          : "labflow switch-variant " + labId + " " + String.join("|", to) + " | ")
          + "labflow teardown " + labId);
    } else if (state == LabState.PAUSED) {
      // The status printed above says how to decide, and by when.
      out().println("Lab " + labId + " is PAUSED" + outcome.status().map(LabStatus::pausedStep)
          .map(step -> " at step " + step + "; it waits for the decision above").orElse(
              ". Decide: labflow resume " + labId + " --retry|--skip|--rollback"));
    } else {
      out().println("Lab " + labId + " is still " + state + " (stopped following).");
    }
    printWebUi(labId);
    if (!outcome.closed()) {
      return state == LabState.PAUSED ? 3 : 0;
    }
    return outcome.executionStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && state != LabState.ROLLED_BACK && state != LabState.FAILED ? 0 : 1;
  }

  /** A command with subcommands, called without one, shows its usage. */
  @Override
  public Integer call() throws Exception {
    spec.commandLine().usage(out());
    return 0;
  }

  void printWebUi(String workflowId) {
    out().println("Web UI: " + connect().uiAddress(root().uiUrl, workflowId));
  }
}
