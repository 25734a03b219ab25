package io.labflow.worker.client;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A lab, reset or fleet night whose workflow task keeps failing (a bug in workflow code, or a
 * labflow version that cannot replay its history), as the server records it: while it does, the
 * run does nothing, the server refuses its queries, and no Update is taken.
 */
public final class FailingTask {

  /**
   * Set by Temporal (server 1.30 on) while a run's workflow task keeps failing or timing out,
   * after {@code system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute} in a row.
   */
  public static final SearchAttributeKey<List<String>> REPORTED_PROBLEMS =
      SearchAttributeKey.forKeywordList("TemporalReportedProblems");
  /** What to do about a worker that cannot run a workflow's history. */
  public static final String WHAT_TO_DO = "the worker's log has the trace; after an upgrade, run"
      + " the version that started it (docs/worker.md, Restarts and upgrades)";

  private FailingTask() {}

  /** The attempt of the run's pending workflow task past its first, 0 when none is failing. */
  public static int failures(DescribeWorkflowExecutionResponse run) {
    return Math.max(0, run.getPendingWorkflowTask().getAttempt() - 1);
  }

  /** What {@link #sentence} says of a workflow's current run; empty when its task does not fail. */
  public static Optional<String> of(WorkflowClient client, String workflowId) {
    return of(client, workflowId,
        client.newUntypedWorkflowStub(workflowId).describe().getRawDescription());
  }

  /** {@link #of(WorkflowClient, String)} when the run is described already. */
  public static Optional<String> of(
      WorkflowClient client, String workflowId, DescribeWorkflowExecutionResponse run) {
    int failures = failures(run);
    return failures == 0 ? Optional.empty()
        : Optional.of(sentence(failures, client.fetchHistory(workflowId).getEvents()));
  }

  /**
   * A workflow task that failed (or timed out) {@code failures} times in a row, with the cause and
   * message of the first (the only one in the history: the server records no retry of a task).
   */
  public static String sentence(int failures, List<HistoryEvent> events) {
    HistoryEvent first = null;
    for (HistoryEvent e : events) {
      first = e.hasWorkflowTaskFailedEventAttributes() || e.hasWorkflowTaskTimedOutEventAttributes()
          ? e : first;
    }
    String why = "";
    if (first != null && first.hasWorkflowTaskTimedOutEventAttributes()) {
      why = " (timed out: a worker took it and did not answer in time)";
    } else if (first != null) {
      var failed = first.getWorkflowTaskFailedEventAttributes();
      why = " (" + failed.getCause().name().replace("WORKFLOW_TASK_FAILED_CAUSE_", "")
          .toLowerCase(Locale.ROOT).replace('_', ' ') + "): "
          + failed.getFailure().getMessage().lines().findFirst().orElse("")
              .replaceFirst("\\.+$", "");
    }
    return "Workflow task: failed " + failures + (failures == 1 ? " time" : " times")
        + " in a row" + (first == null ? "" : " since "
            + Instant.ofEpochSecond(first.getEventTime().getSeconds())) + why + ". It does nothing"
        + " until a worker can run its history: " + WHAT_TO_DO;
  }
}
