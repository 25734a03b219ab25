package io.labflow.worker.runtime;

import io.labflow.worker.client.Runs;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The labs whose newest run ended holding what it created, from Temporal's visibility: terminated
 * or timed out before its undos ran, or {@code FAILED} in an undo ({@code LabFailed}; one refused
 * as it resolved is FAILED too, having made nothing), and no reset or sweep of
 * the lab ({@code reset-ID}) completed since. Their AWS resources are left and nothing will delete
 * them ({@code labflow_lab_left{lab,state}}; {@code labflow leaks} shows them, {@code --sweep}
 * deletes them). A lab whose reset runs is not counted while it runs. A run once found superseded
 * (a newer run of the lab) or swept stays so, and is not described again.
 */
public final class LeftLabs {

  static final String QUERY = "WorkflowType='" + LabWorkflow.TYPE + "'"
      + " AND ExecutionStatus != 'Running' AND " + LabSearchAttributes.STATE.getName() + " IN ("
      + Arrays.stream(LabState.values()).filter(LabState::mayHoldResources)
          .map(s -> "'" + s + "'").collect(Collectors.joining(",")) + ")";

  private final WorkflowClient client;
  /** Run ids found superseded or swept: a closed run's newer run or later sweep never goes. */
  private final Set<String> resolved = new HashSet<>();
  /** FAILED runs whose undo failed (their closing event read once). */
  private final Set<String> undoFailed = new HashSet<>();

  LeftLabs(WorkflowClient client) {
    this.client = client;
  }

  /** Each lab left, with the state its run ended in; one listing, and describes of the unknown. */
  Map<String, String> read() {
    Map<String, String> left = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (WorkflowExecutionMetadata m : client.listExecutions(QUERY).toList()) {
      String lab = m.getExecution().getWorkflowId();
      String run = m.getExecution().getRunId();
      seen.add(run);
      if (resolved.contains(run)) {
        continue;
      }
      String state = m.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
      Optional<WorkflowExecutionDescription> newest = Runs.newest(client, lab);
      Optional<WorkflowExecutionDescription> reset = Runs.newest(client, LabIds.resetId(lab));
      if (newest.map(d -> !d.getExecution().getRunId().equals(run)).orElse(true)
          || reset.map(r -> sweptAfter(r, m.getCloseTime())).orElse(false)
          || (LabState.FAILED.name().equals(state) && refused(lab, run))) {
        resolved.add(run);
      } else if (reset.filter(Runs::running).isEmpty()) {
        left.put(lab, state);
      }
    }
    resolved.retainAll(seen);
    undoFailed.retainAll(seen);
    return left;
  }

  /**
   * Whether a FAILED run failed before it made anything (its request refused as it resolved) rather
   * than in an undo ({@code LabFailed}): its closing event says, once (runs {@link #undoFailed}).
   */
  private boolean refused(String lab, String run) {
    if (undoFailed.contains(run)) {
      return false;
    }
    HistoryEvent last = client.fetchHistory(lab, run).getLastEvent();
    boolean refused = !(last.hasWorkflowExecutionFailedEventAttributes()
        && FailureTypes.LAB_FAILED.equals(last.getWorkflowExecutionFailedEventAttributes()
            .getFailure().getApplicationFailureInfo().getType()));
    if (!refused) {
      undoFailed.add(run);
    }
    return refused;
  }

  /** Whether this reset or sweep of a lab completed after the lab's run closed at {@code closed}. */
  public static boolean sweptAfter(WorkflowExecutionDescription reset, Instant closed) {
    return reset.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && closed != null && reset.getCloseTime() != null && reset.getCloseTime().isAfter(closed);
  }
}
