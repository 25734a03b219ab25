package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.sweep.LabSweep;
import java.util.Map;

/**
 * {@link LabInventoryActivities} over the AWS SDK: {@link LabInventory} finds, {@link LabSweep}
 * deletes.
 */
public final class LabInventoryActivitiesImpl implements LabInventoryActivities {

  private final LabInventory inventory;
  private final LabSweep sweep;

  /**
   * @param deletes the step library's delete of each kind the sweep deletes one by one (see
   *     {@link LabSweep#LabSweep})
   */
  public LabInventoryActivitiesImpl(
      AwsClients clients, IamEntities iam, Map<ResourceKind, LabSweep.Delete> deletes) {
    this(clients, iam, deletes, new TagCache());
  }

  /** The same, with this cache of other resources' tags (tests give it a clock). */
  LabInventoryActivitiesImpl(AwsClients clients, IamEntities iam,
      Map<ResourceKind, LabSweep.Delete> deletes, TagCache cache) {
    this.inventory = new LabInventory(clients, iam, cache);
    this.sweep = new LabSweep(clients.ec2(), clients.s3(), inventory, deletes);
  }

  @Override
  public LabResources listLabResources(LabInput in) {
    return inventory.find(Inputs.require(in.labId(), "labId", "ListLabResources"));
  }

  @Override
  public DeleteLabResourcesOutput deleteLabResources(LabInput in) {
    return sweep.delete(Inputs.require(in.labId(), "labId", "DeleteLabResources"));
  }
}
