package io.labflow.activities.inventory;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Lab-wide inventory by the lab tag, for teardown of lost runs and the nightly reset. */
@ActivityInterface
public interface LabInventoryActivities {

  /** Everything carrying {@code labflow:lab=<labId>}. */
  @ActivityMethod(name = "ListLabResources")
  LabResources listLabResources(LabInput input);

  /**
   * Deletes everything carrying the tag in a safe order: profile associations, role policy
   * attachments, instance profiles, roles, policies, stacks, then tagged buckets left outside any
   * stack. Idempotent.
   */
  @LongRunning
  @ActivityMethod(name = "DeleteLabResources")
  DeleteLabResourcesOutput deleteLabResources(LabInput input);
}
