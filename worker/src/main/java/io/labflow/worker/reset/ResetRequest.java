package io.labflow.worker.reset;

import io.labflow.worker.client.LabStarter;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.input.RequestFields;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
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
 */
public record ResetRequest(
    String labId, String definition, String variant, Map<String, Object> parameters) {

  /**
   * Task priority of a fleet's resets (1 is highest, 3 the default): a learner's lab started
   * from the UI meanwhile is served first. Child workflows and activities inherit it.
   */
  public static final int FLEET_PRIORITY = 4;

  private static final Duration RUN_TIMEOUT = Duration.ofHours(3);

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
    return "Reset lab " + labId + " (" + by + ")";
  }

  private static final List<String> FIELDS = List.of("labId", "definition", "variant", "parameters");

  private static final String EXAMPLE =
      "{\"labId\":\"lab-042\",\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\"}";

  /**
   * The request in a reset's raw JSON input, read in workflow code: any other JSON fails the reset
   * at once with a non-retryable {@code InvalidRequest} naming every wrong field, never its
   * workflow task.
   */
  static ResetRequest parse(RawValue payload) {
    Map<?, ?> map = object(payload, "the reset request", InputLimits.MAX_REQUEST_BYTES, EXAMPLE);
    List<String> problems = new ArrayList<>();
    RequestFields.unknown(map, FIELDS, Map.of(), problems);
    String definition = required(map, "definition", " (a definition's name)", problems);
    ResetRequest request = lab(map, definition, problems);
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return request;
  }

  /**
   * The lab of a reset request (or of a fleet request's {@code labs}): {@code labId}, {@code
   * variant} and {@code parameters}, each wrong field added to {@code problems}.
   */
  public static ResetRequest lab(Map<?, ?> map, String definition, List<String> problems) {
    String labId = required(map, "labId", " (the lab to rebuild)", problems);
    String variant = RequestFields.name(map, "variant", problems);
    if (labId != null && !LabIds.isValid(labId)) {
      problems.add("request: labId: labId " + InputLimits.quote(labId) + " must be " + LabIds.RULE);
    }
    Map<String, Object> parameters =
        RequestFields.parameters(map.get("parameters"), false, problems);
    return new ResetRequest(labId, definition, variant, parameters);
  }

  /** The name at {@code field}; a problem ending in {@code why} when it is missing. */
  public static String required(Map<?, ?> map, String field, String why, List<String> problems) {
    String s = RequestFields.name(map, field, problems);
    if (map.get(field) == null) {
      problems.add("request: " + field + ": " + field + " is required" + why);
    }
    return s;
  }

  /**
   * The JSON object in a workflow's raw input (a reset's, a fleet night's), or a non-retryable
   * {@code InvalidRequest} failure saying why not.
   */
  public static Map<?, ?> object(RawValue payload, String what, int maxBytes, String example) {
    Object raw;
    try {
      raw = RawJson.read(payload, what, maxBytes);
    } catch (IllegalArgumentException wrong) {
      throw invalid(List.of("request: " + wrong.getMessage()));
    }
    if (!(raw instanceof Map<?, ?> map)) {
      throw invalid(List.of("request: " + what.replaceFirst("^the ", "a ")
          + " must be a JSON object such as " + example + ", got " + InputLimits.describe(raw)));
    }
    return map;
  }

  /** The failure of a refused request: one sentence per problem. */
  public static ApplicationFailure invalid(List<String> problems) {
    return ApplicationFailure.newNonRetryableFailure(
        String.join("\n", problems), FailureTypes.INVALID_REQUEST);
  }
}
