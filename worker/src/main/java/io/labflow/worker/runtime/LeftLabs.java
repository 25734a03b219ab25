package io.labflow.worker.runtime;

import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
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
 * deletes them). So is a lab whose newest reset or sweep ended without finishing what it deletes
 * ({@code ResetIncomplete}, or terminated, timed out or canceled) after its run had closed, unless
 * a run of the lab started since. A lab whose reset runs is not counted while it runs. A run once
 * found superseded (a newer run of the lab) or swept, or a reset found to leave nothing, stays so,
 * and is not described again.
 */
public final class LeftLabs {

  static final String QUERY = "WorkflowType='" + LabWorkflow.TYPE + "'"
      + " AND ExecutionStatus != 'Running' AND " + LabSearchAttributes.STATE.getName() + " IN ("
      + Arrays.stream(LabState.values()).filter(LabState::mayHoldResources)
          .map(s -> "'" + s + "'").collect(Collectors.joining(",")) + ")";
  static final String RESETS_QUERY = "WorkflowType='" + LabResetWorkflow.TYPE + "'"
      + " AND ExecutionStatus IN ('Failed','Terminated','TimedOut','Canceled')";

  private final WorkflowClient client;
  /** Run ids found superseded, swept or leaving nothing: what settles a closed run never goes. */
  private final Set<String> resolved = new HashSet<>();
  /** The failure type of each FAILED run not settled, by run id (its closing event read once). */
  private final Map<String, String> failureTypes = new HashMap<>();

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
          || (LabState.FAILED.name().equals(state)
              && !FailureTypes.LAB_FAILED.equals(failureType(lab, run)))) {
        resolved.add(run);
      } else if (reset.filter(Runs::running).isEmpty()) {
        left.put(lab, state);
      }
    }
    for (WorkflowExecutionMetadata m : client.listExecutions(RESETS_QUERY).toList()) {
      String id = m.getExecution().getWorkflowId();
      String run = m.getExecution().getRunId();
      seen.add(run);
      if (resolved.contains(run) || !id.startsWith(LabIds.RESET_PREFIX)) {
        continue;
      }
      String lab = id.substring(LabIds.RESET_PREFIX.length());
      boolean failed = m.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED;
      // Settled: a newer reset or sweep; a failure other than ResetIncomplete (refused before it
      // touched the lab, or failed on the fresh lab, a run of its own); a run of the lab since.
      if (!Runs.newest(client, id).map(r -> r.getExecution().getRunId().equals(run)).orElse(false)
          || failed && !FailureTypes.RESET_INCOMPLETE.equals(failureType(id, run))
          || Runs.newest(client, lab).map(d -> Runs.running(d)
              || !d.getStartTime().isBefore(m.getStartTime())
              || d.getCloseTime().isAfter(m.getCloseTime())).orElse(false)) {
        resolved.add(run);
      } else {
        left.put(lab, "RESET_" + StatusPrinter.name(m.getStatus()));
      }
    }
    resolved.retainAll(seen);
    failureTypes.keySet().retainAll(seen);
    return left;
  }

  /** The type of the failure a FAILED run ended with, from its closing event (read once). */
  private String failureType(String workflowId, String run) {
    return failureTypes.computeIfAbsent(run, r -> Runs.failure(client, workflowId, r)
        .filter(ApplicationFailure.class::isInstance)
        .map(f -> ((ApplicationFailure) f).getType()).orElse(""));
  }

  /** Whether this reset or sweep of a lab completed after the lab's run closed at {@code closed}. */
  public static boolean sweptAfter(WorkflowExecutionDescription reset, Instant closed) {
    return reset.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && closed != null && reset.getCloseTime() != null && reset.getCloseTime().isAfter(closed);
  }
}
