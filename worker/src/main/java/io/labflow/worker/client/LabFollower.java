package io.labflow.worker.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowQueryRejectedException;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Follows a lab run step by step: polls the status query for step states and the workflow's
 * description for pending activities (their attempt numbers and last failures), printing each
 * change once, until the run closes, goes live or pauses.
 */
public record LabFollower(TemporalConnection connection, PrintWriter out, Duration pollInterval) {

  /** Where following a run that starts or resumes stops: a person's next move is due. */
  public static final Predicate<LabStatus> LIVE_OR_PAUSED =
      s -> s.state() == LabState.LIVE || s.state() == LabState.PAUSED;

  /** How long a status query may take before following goes on without its answer. */
  public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** The lab states that begin a phase of steps: said before the steps they run. */
  private static final Set<LabState> BEGINS =
      EnumSet.of(LabState.RESOLVING, LabState.PROVISIONING, LabState.SWITCHING);

  /** The states of a step being, or done being, undone. */
  private static final Set<StepState> UNDOING = EnumSet.of(StepState.COMPENSATING,
      StepState.COMPENSATED, StepState.COMPENSATION_FAILED, StepState.REFUSED);

  private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "labflow-call");
    t.setDaemon(true);
    return t;
  });

  /** The workflow's status when following stopped, and the last lab status seen. */
  public record Outcome(WorkflowExecutionStatus executionStatus, Optional<LabStatus> status) {
    public boolean closed() {
      return executionStatus != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    public LabState state() {
      return status.map(LabStatus::state).orElse(null);
    }
  }

  /**
   * Follows the run of {@code labId} until it closes, its status is {@code done}, or {@code
   * timeout} has passed. A run just started ({@code runId}) is followed from its start; the lab's
   * current run (runId null, a request to a lab that has run) from {@code since}, its status
   * before the request: a step done since, before the first read, is news too. Without either,
   * the steps as first seen are not news.
   */
  public Outcome follow(String labId, String runId, LabStatus since, Duration timeout,
      Predicate<LabStatus> done) throws InterruptedException {
    Map<String, StepStatus> steps = new HashMap<>();
    if (since != null) {
      since.steps().forEach(st -> steps.put(st.id(), st));
    }
    Map<String, Integer> attempts = new HashMap<>();
    ActivityProgress progress =
        new ActivityProgress(connection.client().getOptions().getDataConverter(), out);
    boolean toldUnanswered = false;
    boolean toldTaskFailing = false;
    Set<String> toldFailures = new HashSet<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    LabStatus last = null;
    while (true) {
      WorkflowExecutionDescription d = described(labId, runId);
      long asked = System.nanoTime();
      Optional<LabStatus> status = ask(labId, runId, toldFailures);
      if (status.isEmpty() && !toldUnanswered
          && System.nanoTime() - asked >= QUERY_TIMEOUT.toNanos()) {
        toldUnanswered = true;
        out.println("  waiting for a worker on task queue " + d.getTaskQueue() + " to answer...");
      }
      if (FailingTask.failures(d.getRawDescription()) > 0 && !toldTaskFailing) {
        // Said once: the lab does nothing until a worker can run its history.
        toldTaskFailing = true;
        FailingTask.of(connection.client(), labId).ifPresent(s -> out.println("  " + s));
      }
      LabState before = last == null ? null : last.state();
      boolean news = runId != null || since != null || last != null;
      last = status.orElse(last);
      status.ifPresent(s -> printChanges(labId, s, before, news, steps));
      for (PendingActivityInfo pa : d.getRawDescription().getPendingActivitiesList()) {
        Integer prev = attempts.put(pa.getActivityId(), pa.getAttempt());
        if (pa.getAttempt() > 1 && (prev == null || prev != pa.getAttempt())) {
          out.printf("  retrying     %s attempt %d%s%n", pa.getActivityType().getName(),
              pa.getAttempt(), pa.hasLastFailure()
                  ? " after: " + StatusPrinter.oneLine(pa.getLastFailure().getMessage()) : "");
        }
        progress.print(pa);
      }
      if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        // One last query: a closed run still answers it while a worker is around.
        Optional<LabStatus> fin = ask(labId, d.getExecution().getRunId(), toldFailures);
        return new Outcome(d.getStatus(), fin.isPresent() ? fin : Optional.ofNullable(last));
      }
      if (last != null && done.test(last) || System.nanoTime() > deadline) {
        return new Outcome(d.getStatus(), Optional.ofNullable(last));
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  /**
   * The run's description, asked on this thread (an interrupt stops the follow). Temporal not
   * answering (the SDK retries a call for about a minute) is said after a moment, and then ends
   * the follow saying that the lab goes on without it.
   */
  private WorkflowExecutionDescription described(String labId, String runId) {
    String at = connection.service().getOptions().getTarget();
    AtomicBoolean answered = new AtomicBoolean();
    CompletableFuture.runAsync(() -> {
      if (!answered.get()) {
        out.println("  Temporal at " + at + " has not answered for "
            + TemporalConnection.FIRST_ANSWER.toSeconds() + " s; waiting for it (the lab goes on"
            + " without this command)");
        out.flush();
      }
    }, CompletableFuture.delayedExecutor(
        TemporalConnection.FIRST_ANSWER.toMillis(), TimeUnit.MILLISECONDS, CALLS));
    try {
      return connection.client()
          .newUntypedWorkflowStub(labId, Optional.ofNullable(runId), Optional.empty()).describe();
    } catch (WorkflowServiceException e) {
      if (!TemporalConnection.notAnswering(e)) {
        throw e;
      }
      throw new IllegalStateException("Temporal at " + at + " stopped answering ("
          + Status.fromThrowable(e).getCode()
          + ") while this command followed lab " + labId + "; the lab goes on without it:"
          + " labflow status " + labId + " once Temporal answers");
    } finally {
      answered.set(true);
    }
  }

  /** The status query's answer; a failure is said once ({@code told}) and followed past. */
  private Optional<LabStatus> ask(String labId, String runId, Set<String> told) {
    try {
      return query(connection, labId, runId, () -> { });
    } catch (IllegalStateException failed) {
      if (told.add(failed.getMessage())) {
        out.println("  " + failed.getMessage());
      }
      return Optional.empty();
    }
  }

  /**
   * What changed since the steps last seen ({@code news}: whether the first read is news), in the
   * order it happened however many changes one read sees: steps run in the status's order and are
   * undone newest first, and the lab's new state comes before the steps of a phase it begins
   * (provisioning, a switch), between the failure and the undos of a rollback or teardown, and
   * after the steps that end one.
   */
  private void printChanges(String labId, LabStatus s, LabState before, boolean news,
      Map<String, StepStatus> steps) {
    List<StepStatus> forward = new ArrayList<>();
    List<StepStatus> undos = new ArrayList<>();
    for (StepStatus st : s.steps()) {
      StepStatus prev = news ? steps.get(st.id()) : st;
      steps.put(st.id(), st);
      if (prev == null ? st.state() != StepState.PENDING : prev.state() != st.state()
          || st.state() == StepState.DONE && !Objects.equals(prev.outputs(), st.outputs())) {
        // A step first seen pending is not news; one done again with other outputs (a switch's) is.
        (UNDOING.contains(st.state()) ? undos : forward).add(st);
      }
    }
    Collections.reverse(undos);
    String state = s.state() == before ? null : "lab " + labId + ": " + s.state();
    boolean begins = BEGINS.contains(s.state());
    boolean undoes = s.state() != null && s.state().isUndoing();
    if (state != null && begins) {
      out.println(state);
    }
    forward.forEach(this::printChange);
    if (state != null && undoes) {
      out.println(state);
    }
    undos.forEach(this::printChange);
    if (state != null && !begins && !undoes) {
      out.println(state);
    }
  }

  /** A step's new state with its outputs or error. */
  private void printChange(StepStatus st) {
    out.printf("  %-12s %s (%s)%s%s%n", st.state(), st.id(), st.action(),
        st.attempt() > 1 ? " attempt " + st.attempt() : "",
        st.state() == StepState.DONE ? " " + StatusPrinter.outputs(st.outputs())
            : st.lastError() != null ? " " + StatusPrinter.stepError(st) : "");
  }

  /**
   * The lab's status query, empty when the run cannot answer within {@link #QUERY_TIMEOUT} (no
   * worker, first task): a query no worker takes would otherwise wait about a minute. A lab whose
   * worker answers with a failure (its replay or its handler failed) is an {@link
   * IllegalStateException} saying so. {@code say} runs once when no answer came within {@link
   * TemporalConnection#FIRST_ANSWER}.
   */
  public static Optional<LabStatus> query(TemporalConnection conn, String labId, String runId,
      Runnable say) {
    LabWorkflow stub =
        conn.client().newWorkflowStub(LabWorkflow.class, labId, Optional.ofNullable(runId));
    try {
      return Optional.ofNullable(within(QUERY_TIMEOUT, say, stub::status));
    } catch (TimeoutException | WorkflowQueryRejectedException | WorkflowServiceException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      // The first line: the worker's failure comes with its stack trace.
      Throwable why = e.getCause() != null ? e.getCause() : e;
      String said = String.valueOf(why instanceof StatusRuntimeException s
          ? s.getStatus().getDescription() : why.getMessage()).lines().findFirst().orElse("");
      throw new IllegalStateException("lab " + labId + " failed its status query: " + said
          + (said.contains("NonDeterministicException") ? "; the worker cannot replay the lab's"
              + " history: " + FailingTask.WHAT_TO_DO : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * What a query of {@code what} ("lab L for its status") waits for, said on {@code err}: the
   * {@code say} of a query not answered at once.
   */
  public static Runnable asking(PrintWriter err, String what, String queue) {
    return () -> {
      err.println("Asking " + what + " (a worker polling task queue " + queue + " answers it; up"
          + " to " + QUERY_TIMEOUT.toSeconds() + " s)...");
      err.flush();
    };
  }

  /**
   * A blocking client call's result within {@code limit}, running {@code say} once when no answer
   * came within {@link TemporalConnection#FIRST_ANSWER}: a wait longer than a moment says what it
   * waits for. What the call throws is thrown; one still waiting then is cancelled, its thread a
   * daemon that never holds the command's exit.
   */
  public static <T> T within(Duration limit, Runnable say, Callable<T> call)
      throws InterruptedException, TimeoutException {
    if (Thread.interrupted()) {
      // Not started: a call that answers at once would otherwise beat the interrupt to get().
      throw new InterruptedException();
    }
    Duration sayAfter = TemporalConnection.FIRST_ANSWER;
    Future<T> result = CALLS.submit(call);
    try {
      try {
        return result.get(sayAfter.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException slow) {
        say.run();
        return result.get(limit.minus(sayAfter).toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } finally {
      result.cancel(true);
    }
  }
}
