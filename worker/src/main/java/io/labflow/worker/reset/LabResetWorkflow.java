package io.labflow.worker.reset;

import io.labflow.workflows.input.RawJson;
import io.temporal.common.converter.RawValue;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rebuilds a lab from scratch, typically every night in a fleet's night; started as {@link
 * ResetRequest} says, with workflow id {@code reset-<labId>}, so two resets of a lab never overlap.
 *
 * <p>If a run of the lab is open, it is torn down through its own {@code teardown} update, so the
 * interpreter's compensations do the deleting; then (and when no run was open) whatever still
 * carries the lab's {@code labflow:lab} tag is deleted by tag. Then a fresh
 * {@code LabWorkflow} run is started with workflow id = lab id (not a child: the lab outlives the
 * reset) and awaited until it is live. A sweep ({@link ResetRequest#sweepOnly}) stops after the
 * deleting: it removes what a lab no run owns any more left behind.
 */
@WorkflowInterface
public interface LabResetWorkflow {

  /** The workflow type, as the schedule starts it. */
  String TYPE = "LabResetWorkflow";

  /**
   * @param request a {@link ResetRequest} as JSON ({@link
   *     io.labflow.workflows.input.RawJson#of} makes one), read raw within limits by the workflow:
   *     any other payload, of any depth or size, fails the reset at once with a non-retryable
   *     {@code InvalidRequest} naming the wrong fields
   */
  @WorkflowMethod(name = TYPE)
  ResetResult reset(RawValue request);
}
