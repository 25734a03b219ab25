package io.labflow.worker.client;

import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import io.temporal.common.SearchAttributes;
import java.util.Map;

/**
 * The options every start of a {@code LabWorkflow} run uses, built in one place for {@code labflow
 * run} and the reset: workflow id = lab id, a new run allowed after a closed one but never beside
 * an open one, the lab's search attributes as they are at start, and the Web UI's summary.
 *
 * @param variant the variant the run starts with, or null when it is not known before resolving
 * @param startedBy who starts it, for the summary, such as {@code labflow run}
 * @param requestId makes a retried start adopt the run it started (also kept in the memo under
 *     {@link #STARTED_BY_MEMO}), or null
 * @param priority the run's task priority, or null for the default
 */
public record LabStarter(String labId, String definition, String variant, String taskQueue,
    String startedBy, String requestId, Priority priority) {

  public static final String STARTED_BY_MEMO = "labflow.startedBy";

  /**
   * The search attributes a lab's run carries from its start (the run keeps them up to date), and
   * its resets (they start with no variant).
   */
  public static SearchAttributes searchAttributes(String labId, String definition, String variant) {
    SearchAttributes.Builder attrs =
        SearchAttributes.newBuilder().set(LabSearchAttributes.LAB_ID, labId);
    if (definition != null) {
      attrs.set(LabSearchAttributes.DEFINITION, definition);
    }
    if (variant != null) {
      attrs.set(LabSearchAttributes.VARIANT, variant);
    }
    return attrs.build();
  }

  public WorkflowOptions options() {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(labId)
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setTypedSearchAttributes(searchAttributes(labId, definition, variant))
        // The Web UI's Summary and Details (static user metadata; only a starter can set them):
        // the variant the lab started with, which a switch changes later.
        .setStaticSummary("lab " + labId + ": " + definition + ", started "
            + (variant == null ? "with the default variant" : variant) + " " + startedBy)
        .setStaticDetails("Lab **" + labId + "** of definition **" + definition + "**, started "
            + (variant == null ? "with the definition's default variant"
                : "with variant **" + variant + "**") + " " + startedBy + ".\n\n"
            + "Its state now: **Current Details** (press R to refresh them) and the search"
            + " attribute **LabState** (a column of the workflow list).")
        .setRequestId(requestId)
        .setMemo(requestId == null ? null : Map.of(STARTED_BY_MEMO, requestId))
        .setPriority(priority)
        .build();
  }
}
