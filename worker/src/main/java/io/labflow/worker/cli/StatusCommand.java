package io.labflow.worker.cli;

import io.labflow.worker.client.ActivityProgress;
import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabIds;
import io.labflow.worker.runtime.LeftLabs;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = {
    "Prints a lab's steps, states, attempts and errors, and a reset of the lab that runs.",
    "When no worker polls the lab's task queue, prints the server's record instead (workflow",
    "status, LabState, summary, pending activities) and says so, as for a closed run it cannot",
    "replay. A run that ended before its undos says what it left. Exit code: 0 answered,",
    "1 no such lab or the lab failed its status query, 4 --json with no worker polling."})
final class StatusCommand extends LabCommand {

  @Option(names = "--json", description = "Print the status query's answer as JSON.")
  boolean json;

  @Override
  public Integer call() {
    TemporalConnection conn = connect();
    WorkflowExecutionDescription d = ClosedLab.guard(conn.client(), labId,
        conn.client().newUntypedWorkflowStub(labId)::describe);
    String queue = d.getTaskQueue();
    boolean polled = root().polled.test(conn, queue);
    if (json && !polled) {
      throw new NoWorker(queue, "no status answer (without --json, the server's record is shown)");
    } else if (json) {
      StatusPrinter.printJson(status(queue), out());
      return 0;
    }
    boolean closed = d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    Optional<LabStatus> status = Optional.empty();
    String failed = null;
    try {
      status = polled ? query(queue) : Optional.empty();
    } catch (IllegalStateException e) {
      if (!closed) {
        throw e;
      }
      // A closed run the SDK cannot replay for a query (one terminated as its workflow task ran:
      // temporalio/sdk-java#1457): the server's record says what is known.
      failed = "the worker cannot replay this closed run to answer its status query: "
          + e.getMessage().replaceFirst(".*failed its status query: ([\\w.]+Exception: )?", "");
    }
    out().println("Workflow " + labId + " run " + d.getExecution().getRunId() + ": "
        + StatusPrinter.name(d.getStatus()));
    String unanswered = failed;
    status.ifPresentOrElse(s -> StatusPrinter.print(s, out()),
        () -> printRecord(d, polled, unanswered));
    if (closed) {
      leftBehind(conn.client(), d).ifPresent(out()::println);
    }
    d.getRawDescription().getPendingActivitiesList().forEach(pa -> out().println(
        "  pending activity " + ActivityProgress.line(conn.client().getOptions()
            .getDataConverter(), pa) + (pa.hasLastFailure()
                ? " last failure: " + pa.getLastFailure().getMessage() : "")));
    unfinishedReset(conn.client(), d).ifPresent(out()::println);
    runningReset(conn.client(), labId).ifPresent(out()::println);
    printWebUi(labId);
    return 0;
  }

  /**
   * What the server holds when the lab does not answer (no worker, or a workflow task that keeps
   * failing, while which the server refuses queries): the search attributes, the summary, a
   * teardown no task has taken yet, and the failing task's cause.
   */
  private void printRecord(WorkflowExecutionDescription d, boolean polled, String failed) {
    var sa = d.getTypedSearchAttributes();
    out().println(StatusPrinter.header(labId, sa.get(LabSearchAttributes.DEFINITION),
        sa.get(LabSearchAttributes.VARIANT), sa.get(LabSearchAttributes.STATE))
        + " (LabState search attribute)");
    if (d.getStaticSummary() != null) {
      out().println("Summary: " + d.getStaticSummary());
    }
    List<HistoryEvent> events = connect().client().fetchHistory(labId).getEvents();
    if (teardownRecorded(events)) {
      out().println("Teardown: recorded, not taken yet (signal requestTeardown); it runs when a"
          + " worker polls task queue " + d.getTaskQueue());
    }
    int failures = FailingTask.failures(d.getRawDescription());
    if (failures > 0) {
      out().println(FailingTask.sentence(failures, events));
    }
    out().println(failed != null ? "(" + failed + "; this is the server's record)"
        : failures > 0
        ? "(the server refuses the lab's status query while its workflow task fails: this is its"
            + " record)"
        : polled
        ? "(the lab did not answer its status query within seconds: this is the server's record)"
        : "(" + Pollers.none(d.getTaskQueue())
            + ". This is the server's record; the steps need a worker)");
  }

  /**
   * What a closed run that ended before its undos (terminated or timed out while it held what it
   * created) left, and how to delete it; or that a sweep or reset of the lab did since.
   */
  private Optional<String> leftBehind(WorkflowClient client, WorkflowExecutionDescription d) {
    String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
    if (state == null || !LabState.valueOf(state).mayHoldResources()
        || LabState.valueOf(state).isFinal()) {
      return Optional.empty();
    }
    String ended = "The run ended " + StatusPrinter.name(d.getStatus()) + " while " + state;
    Optional<WorkflowExecutionDescription> swept = Runs.newest(client, LabIds.resetId(labId))
        .filter(r -> LeftLabs.sweptAfter(r, d.getCloseTime()));
    if (swept.isPresent()) {
      WorkflowExecutionDescription r = swept.get();
      return Optional.of(ended + "; " + r.getExecution().getWorkflowId() + " deleted what it"
          + " left (" + (r.getStaticSummary() == null ? "completed" : r.getStaticSummary())
          + ", " + r.getCloseTime() + ")");
    }
    return Optional.of(ended + ": no undo ran, so what it created is left in AWS until a sweep"
        + " deletes it: labflow leaks --sweep " + labId + " (labflow leaks lists it)");
  }

  /**
   * The lab's newest reset or sweep when it ended unfinished since this run started, with its
   * failure's sentence (what blocked its sweep, what is still there).
   */
  private static Optional<String> unfinishedReset(WorkflowClient client,
      WorkflowExecutionDescription run) {
    String id = LabIds.resetId(run.getExecution().getWorkflowId());
    return Runs.endedUnfinished(client, id, run.getStartTime()).map(r -> "Reset " + id
        + " ended " + StatusPrinter.name(r.getStatus()) + " at " + r.getCloseTime()
        + (r.getStaticSummary() == null ? "" : " (" + r.getStaticSummary() + ")")
        + Runs.failure(client, id, r.getExecution().getRunId())
            .map(f -> ": " + f.getOriginalMessage()).orElse(""));
  }

  /**
   * A reset of the lab that runs now (it tears the lab down and starts it afresh), with its
   * workflow task's failure on a second line when it keeps failing; empty when none runs.
   */
  static Optional<String> runningReset(WorkflowClient client, String labId) {
    String id = LabIds.resetId(labId);
    return Runs.open(client, id).map(r -> "Reset " + id + " runs since " + Instant.ofEpochSecond(
        r.getRawDescription().getWorkflowExecutionInfo().getStartTime().getSeconds())
        + (r.getStaticSummary() == null ? "" : " (" + r.getStaticSummary() + ")")
        + FailingTask.of(client, id, r.getRawDescription()).map(s -> "\n  " + s).orElse(""));
  }

  /** Whether the history holds a teardown signal no workflow task has taken since. */
  private static boolean teardownRecorded(List<HistoryEvent> events) {
    boolean waiting = false;
    for (HistoryEvent e : events) {
      waiting = e.getEventType() != EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && (waiting
          || "requestTeardown".equals(
              e.getWorkflowExecutionSignaledEventAttributes().getSignalName()));
    }
    return waiting;
  }
}
