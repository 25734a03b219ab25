package io.labflow.worker.fleet;

import io.labflow.workflows.input.RawJson;
import io.temporal.common.converter.RawValue;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One night of a fleet: resets every lab of the fleet through {@link
 * io.labflow.worker.reset.LabResetWorkflow} child workflows, never more than the fleet's
 * concurrency at once, and returns the morning report. Started by the fleet's Schedule ({@code
 * fleet-<name>}, overlap SKIP).
 *
 * <p>Each child has workflow id {@code reset-<labId>}, so Temporal itself refuses a second reset of
 * a lab whose reset is running; a running reset of a lab started some other way (its own
 * schedule) is found in visibility first. Either way the lab is reported skipped, never reset
 * twice at once.
 *
 * <p>Quarantine lives in the report: each lab's consecutive failures and quarantine time are
 * carried from the previous night through the Schedule's last completion result. A quarantined lab
 * is not touched until the request's {@code releases} names it with a time after its quarantine
 * ({@code labflow fleet release} writes it into the Schedule's action).
 *
 * <p>The input is read as JSON and checked by {@link FleetRequest#parse}, so no input can fail a
 * workflow task: a bad one fails the night at once, naming every wrong field.
 */
@WorkflowInterface
public interface FleetResetWorkflow {

  /** The workflow type, as the schedule starts it. */
  String TYPE = "FleetResetWorkflow";

  /** Labs handled by one run before it continues as new, keeping every history small. */
  int LABS_PER_RUN = 100;

  /**
   * @param request a {@link FleetRequest} as JSON ({@link io.labflow.workflows.input.RawJson#of}
   *     makes one), read raw within limits by the workflow
   */
  @WorkflowMethod(name = TYPE)
  FleetReport run(RawValue request);

  /** The night so far: labs done, with the ones still running listed as such. */
  @QueryMethod
  FleetReport report();
}
