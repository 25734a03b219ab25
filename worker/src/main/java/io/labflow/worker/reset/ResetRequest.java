package io.labflow.worker.reset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.labflow.worker.client.LabStarter;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.input.RequestFields;
import io.labflow.workflows.lab.LabIds;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import io.temporal.common.converter.RawValue;
import io.temporal.workflow.ChildWorkflowOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Input of {@link LabResetWorkflow}: which lab to rebuild and how; and the one place that says how
 * a reset starts, whoever starts it (a fleet's night, {@code labflow fleet reset --lab}).
 *
 * @param labId the lab's id (the workflow id of its live run)
 * @param definition the definition's name in the worker's definitions directory
 * @param variant the variant of the fresh lab; null takes the definition's default
 * @param parameters run parameters; null means none
 * @param sweepOnly true for a sweep ({@code labflow leaks --sweep}): the lab's resources are
 *     deleted by its tag (a run opened since is torn down first) and no fresh lab is started; it
 *     needs no definition. Left out of the JSON when false, as requests made before it were.
 */
public record ResetRequest(String labId, String definition, String variant,
    Map<String, Object> parameters, @JsonInclude(Include.NON_DEFAULT) boolean sweepOnly) {

  /** A reset: the lab is rebuilt. */
  public ResetRequest(
      String labId, String definition, String variant, Map<String, Object> parameters) {
    this(labId, definition, variant, parameters, false);
  }

  /** A sweep of a lab no run owns any more: what carries its tag is deleted, nothing started. */
  public static ResetRequest sweep(String labId) {
    return new ResetRequest(labId, null, null, Map.of(), true);
  }

  /**
   * Task priority of a fleet's resets (1 is highest, 3 the default): a learner's lab started
   * from the UI meanwhile is served first. Child workflows and activities inherit it.
   */
  public static final int FLEET_PRIORITY = 4;

  static final Duration RUN_TIMEOUT = Duration.ofHours(3);

  /** The start by a person, on the workers' task queue; refused while a reset of the lab runs. */
  public WorkflowOptions options(String taskQueue, String startedBy) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(LabIds.resetId(labId))
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowRunTimeout(RUN_TIMEOUT)
        .setTypedSearchAttributes(LabStarter.searchAttributes(labId, definition, null))
        .setStaticSummary(summary(startedBy))
        .build();
  }

  public ChildWorkflowOptions childOptions(String fleet) {
    return ChildWorkflowOptions.newBuilder()
        // One id per lab: Temporal refuses a second reset of a lab while one runs.
        .setWorkflowId(LabIds.resetId(labId))
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        // A night cancelled or terminated halfway lets the resets it started finish.
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setWorkflowRunTimeout(RUN_TIMEOUT)
        .setPriority(Priority.newBuilder().setPriorityKey(FLEET_PRIORITY).build())
        .setTypedSearchAttributes(LabStarter.searchAttributes(labId, definition, null))
        .setStaticSummary(summary("fleet " + fleet))
        .build();
  }

  private String summary(String by) {
    return (sweepOnly ? "Sweep" : "Reset") + " lab " + labId + " (" + by + ")";
  }

  private static final List<String> FIELDS = List.of("labId", "definition", "variant", "parameters", "sweepOnly");

  private static final String EXAMPLE =
      "{\"labId\":\"lab-042\",\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\"}";

  /**
   * The request in a reset's raw JSON input, read in workflow code: any other JSON fails the reset
   * at once with a non-retryable {@code InvalidRequest} naming every wrong field, never its
   * workflow task.
   */
  static ResetRequest parse(RawValue payload) {
    Map<?, ?> map =
        RequestFields.object(payload, "the reset request", InputLimits.MAX_REQUEST_BYTES, EXAMPLE);
    List<String> problems = new ArrayList<>();
    RequestFields.unknown(map, FIELDS, Map.of(), problems);
    Object sweep = map.get("sweepOnly");
    if (sweep != null && !(sweep instanceof Boolean)) {
      RequestFields.problem(problems, "sweepOnly", "sweepOnly must be true or false");
    }
    boolean sweepOnly = Boolean.TRUE.equals(sweep);
    String definition = sweepOnly ? RequestFields.name(map, "definition", problems)
        : RequestFields.required(map, "definition", " (a definition's name)", problems);
    FleetLab lab = RequestFields.lab(map, problems);
    if (!problems.isEmpty()) {
      throw RequestFields.invalid(problems);
    }
    return new ResetRequest(lab.labId(), definition, lab.variant(), lab.parameters(), sweepOnly);
  }
}
