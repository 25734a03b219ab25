package io.labflow.worker.client;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowExecutionDescription;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a lab run step by step: polls the status query for step states and the workflow's
 * description for pending activities (their attempt numbers and last failures), printing each
 * change once, until the run closes, goes live or pauses.
 */
public final class LabFollower {

  private final TemporalConnection connection;
  private final PrintWriter out;
  private final Duration pollInterval;

  public LabFollower(TemporalConnection connection, PrintWriter out, Duration pollInterval) {
    this.connection = connection;
    this.out = out;
    this.pollInterval = pollInterval;
  }

  /**
   * The outcome of following a run.
   *
   * @param executionStatus the workflow's status when following stopped
   * @param status the last lab status seen, if any
   */
  public record Outcome(WorkflowExecutionStatus executionStatus, Optional<LabStatus> status) {
    public boolean closed() {
      return executionStatus != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    public LabState state() {
      return status.map(LabStatus::state).orElse(null);
    }
  }

  /** Where following a run that starts or resumes stops: a person's next move is due. */
  public static final Set<LabState> LIVE_OR_PAUSED = Set.of(LabState.LIVE, LabState.PAUSED);

  /**
   * Follows the run of {@code labId} (its current run when runId is null) until it closes,
   * reaches one of {@code stopAt}, or {@code timeout} has passed.
   */
  public Outcome follow(String labId, String runId, Duration timeout, Set<LabState> stopAt)
      throws InterruptedException {
    Map<String, StepState> seen = new HashMap<>();
    boolean toldUnanswered = false;
    Map<String, Integer> attempts = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    LabStatus last = null;
    LabState lastState = null;
    while (true) {
      WorkflowExecutionDescription d = connection.client()
          .newUntypedWorkflowStub(labId, Optional.ofNullable(runId), Optional.empty()).describe();
      WorkflowExecutionStatus es = d.getStatus();
      long asked = System.nanoTime();
      Optional<LabStatus> status = query(connection, labId, runId);
      boolean unanswered = System.nanoTime() - asked >= QUERY_TIMEOUT.toNanos();
      if (status.isEmpty() && unanswered && !toldUnanswered) {
        toldUnanswered = true;
        out.println("  waiting for a worker on task queue " + d.getTaskQueue() + " to answer...");
      }
      if (status.isPresent()) {
        last = status.get();
        if (last.steps() != null) {
          for (StepStatus st : last.steps()) {
            StepState prev = seen.put(st.id(), st.state());
            if (prev != st.state()) {
              if (prev == null && st.state() == StepState.PENDING) {
                continue;
              }
              out.printf("  %-12s %s (%s)%s%s%n", st.state(), st.id(), st.action(),
                  st.attempt() > 1 ? " attempt " + st.attempt() : "",
                  st.state() == StepState.DONE
                      ? " " + StatusPrinter.outputs(st.outputs())
                      : st.lastError() != null ? " error: " + StatusPrinter.oneLine(st.lastError()) : "");
            }
          }
        }
      }
      if (last != null && last.state() != lastState) {
        lastState = last.state();
        out.println("lab " + labId + ": " + lastState);
      }
      for (PendingActivityInfo pa : d.getRawDescription().getPendingActivitiesList()) {
        Integer prev = attempts.put(pa.getActivityId(), pa.getAttempt());
        if (pa.getAttempt() > 1 && (prev == null || prev != pa.getAttempt())) {
          out.printf("  retrying     %s attempt %d%s%n", pa.getActivityType().getName(),
              pa.getAttempt(),
              pa.hasLastFailure() ? " after: " + StatusPrinter.oneLine(pa.getLastFailure().getMessage()) : "");
        }
      }
      out.flush();
      Outcome outcome = new Outcome(es, Optional.ofNullable(last));
      if (outcome.closed()) {
        // One last query: a closed run still answers it while a worker is around.
        Optional<LabStatus> fin = query(connection, labId, d.getExecution().getRunId());
        return new Outcome(es, fin.isPresent() ? fin : Optional.ofNullable(last));
      }
      if (last != null && stopAt.contains(last.state())) {
        return outcome;
      }
      if (System.nanoTime() > deadline) {
        return outcome;
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  /**
   * The lab's status query, empty when the run cannot answer within {@link #QUERY_TIMEOUT} (no
   * worker, first task): a query no worker takes would otherwise wait about a minute.
   */
  public static Optional<LabStatus> query(TemporalConnection conn, String labId, String runId) {
    LabWorkflow stub =
        conn.client().newWorkflowStub(LabWorkflow.class, labId, Optional.ofNullable(runId));
    Future<LabStatus> answer = QUERIES.submit(stub::status);
    try {
      return Optional.ofNullable(answer.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      answer.cancel(true);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** How long a status query may take before following goes on without its answer. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** Daemon threads for queries, so that one left unanswered never holds the command's exit. */
  private static final ExecutorService QUERIES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "labflow-query");
    t.setDaemon(true);
    return t;
  });
}
