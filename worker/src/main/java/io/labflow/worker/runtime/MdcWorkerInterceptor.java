package io.labflow.worker.runtime;

import io.labflow.workflows.interpreter.ActivityExecutionInterceptor;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts the lab id and workflow id into the logging context of every activity, so each log line an
 * activity writes (including the AWS adapters' own) names its lab. The workflow id of a lab is its
 * lab id; for a reset it is {@code reset-<labId>-...}, hence the separate key.
 */
public final class MdcWorkerInterceptor extends ActivityExecutionInterceptor {

  public static final String LAB_ID = "LabId";
  public static final String WORKFLOW_ID = "WorkflowId";

  @Override
  protected ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution) {
    String workflowId = info.getWorkflowId();
    MDC.put(WORKFLOW_ID, workflowId);
    MDC.put(LAB_ID, labIdOf(workflowId));
    try {
      return execution.get();
    } finally {
      MDC.remove(WORKFLOW_ID);
      MDC.remove(LAB_ID);
    }
  }

  /** The lab id a workflow id belongs to: itself, or the lab of a {@code reset-<labId>-...} run. */
  static String labIdOf(String workflowId) {
    if (workflowId != null && workflowId.startsWith("reset-")) {
      String rest = workflowId.substring("reset-".length());
      // Schedules append "-<ISO timestamp>" to the workflow id of each action.
      return rest.replaceFirst("-\\d{4}-\\d{2}-\\d{2}T[^/]*$", "");
    }
    return workflowId;
  }
}
