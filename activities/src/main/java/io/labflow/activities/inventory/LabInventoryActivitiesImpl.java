package io.labflow.activities.inventory;

import io.labflow.activities.cloudformation.CloudFormationActivitiesImpl;
import io.labflow.activities.cloudformation.StackDeletion;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.policies.PolicyActivitiesImpl;
import io.labflow.activities.iam.profiles.InstanceProfileActivitiesImpl;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.s3.S3Buckets;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@link LabInventoryActivities} over the AWS SDK: {@link LabInventory} finds, the per-service
 * delete logic of the step library and {@link Ec2Sweep} delete.
 */
public final class LabInventoryActivitiesImpl implements LabInventoryActivities {

  private static final Logger log = LoggerFactory.getLogger(LabInventoryActivitiesImpl.class);

  private final LabInventory inventory;
  private final S3Buckets buckets;
  private final RoleActivitiesImpl roles;
  private final PolicyActivitiesImpl policies;
  private final InstanceProfileActivitiesImpl profiles;
  private final StackDeletion stacks;
  private final Ec2ActivitiesImpl ec2Acts;
  private final Ec2Sweep ec2Sweep;

  /** Over the same step implementations as the worker's, whose deletes it reuses. */
  public LabInventoryActivitiesImpl(
      AwsClients clients,
      IamEntities iam,
      RoleActivitiesImpl roles,
      PolicyActivitiesImpl policies,
      InstanceProfileActivitiesImpl profiles,
      CloudFormationActivitiesImpl cfnActs,
      Ec2ActivitiesImpl ec2Acts) {
    this(clients, iam, roles, policies, profiles, cfnActs, ec2Acts, new TagCache());
  }

  /** The same, with this cache of other resources' tags (tests give it a clock). */
  LabInventoryActivitiesImpl(
      AwsClients clients,
      IamEntities iam,
      RoleActivitiesImpl roles,
      PolicyActivitiesImpl policies,
      InstanceProfileActivitiesImpl profiles,
      CloudFormationActivitiesImpl cfnActs,
      Ec2ActivitiesImpl ec2Acts,
      TagCache cache) {
    this.inventory = new LabInventory(clients, iam, cache);
    this.buckets = new S3Buckets(clients.s3());
    this.roles = roles;
    this.policies = policies;
    this.profiles = profiles;
    this.stacks = cfnActs.deletion();
    this.ec2Acts = ec2Acts;
    this.ec2Sweep = new Ec2Sweep(clients.ec2());
  }

  @Override
  public LabResources listLabResources(LabInput in) {
    String labId = Inputs.require(in.labId(), "labId", "ListLabResources");
    return inventory.find(labId);
  }

  @Override
  public DeleteLabResourcesOutput deleteLabResources(LabInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeleteLabResources");
    LabResources found = inventory.find(labId);
    Ec2Sweep.Deleted deleted = new Ec2Sweep.Deleted();
    List<String> blocked = new ArrayList<>();
    List<ApplicationFailure> failures = new ArrayList<>();

    for (String id : found.instances()) {
      Heartbeats.beat("disassociating " + id);
      run("association of " + id, blocked, failures, () -> {
        if (ec2Acts.disassociate(id, null, labId).deleted()) {
          // As before: the instances freed of their profile (the stack then terminates them).
          deleted.instances.add(id);
          deleted.associations.add(id);
        }
      });
    }
    deleteEach("instance profile", found.instanceProfiles(), deleted.instanceProfiles, blocked,
        failures, name -> profiles.deleteOwned(name, labId));
    deleteEach("role", found.roles(), deleted.roles, blocked, failures,
        name -> roles.deleteOwned(name, labId));
    deleteEach("policy", found.policies(), deleted.policies, blocked, failures,
        arn -> policies.deleteOwned(arn, labId));
    List<String> stuck = deleteStacks(found.stacks(), labId, deleted, blocked, failures);

    // What no stack took with it (retained, DELETE_FAILED, an emulator gap), found by the tag only.
    List<String> ec2Blocked = new ArrayList<>();
    ec2Sweep.delete(labId, inventory.findTaggedEc2(labId), deleted, ec2Blocked, failures);
    if (!stuck.isEmpty()) {
      // A stack that failed to delete may have waited on what the EC2 sweep just removed.
      List<String> again = new ArrayList<>();
      deleteStacks(stuck, labId, deleted, again, new ArrayList<>());
      blocked.removeIf(b -> stuck.stream().anyMatch(s -> b.startsWith("stack " + s + ":")));
      blocked.addAll(again);
      ec2Blocked.clear();
      ec2Sweep.delete(labId, inventory.findTaggedEc2(labId), deleted, ec2Blocked, failures);
    }
    blocked.addAll(ec2Blocked);

    LabResources remaining = inventory.find(labId);
    List<String> labStacks = remaining.stacks();
    for (String bucket : remaining.buckets()) {
      Heartbeats.beat("deleting bucket " + bucket);
      run("bucket " + bucket, blocked, failures, () -> {
        // Read again right before the delete (the inventory may have read it a while ago): only a
        // bucket tagged for the lab, or held by the lab's own stack, is emptied and deleted.
        if (!buckets.ownedBy(bucket, labId) && !inventory.stackHolds(labStacks, bucket)) {
          throw AwsFailures.notOwned("bucket " + bucket, labId);
        }
        if (buckets.delete(bucket)) {
          deleted.buckets.add(bucket);
        }
      });
    }
    if (!deleted.buckets.isEmpty()) {
      remaining = inventory.find(labId);
    }
    blocked.addAll(remaining.unreadable());
    if (!remaining.noneTagged()) {
      log.warn("lab {}: still there after the sweep: {}; blocked by: {}", labId, remaining.counts(),
          blocked);
    }
    ApplicationFailure transientFailure =
        failures.stream().filter(f -> !f.isNonRetryable()).findFirst().orElse(null);
    if (transientFailure != null && !remaining.noneTagged()) {
      // A throttled or failed call: the whole sweep is idempotent, so Temporal tries it again.
      throw AwsFailures.retryable(
          "sweep of lab " + labId + " incomplete (" + remaining.counts() + "); blocked by: "
              + String.join("; ", blocked),
          transientFailure.getType());
    }
    return new DeleteLabResourcesOutput(deleted.toResources(labId), remaining, blocked);
  }

  /** Deletes the stacks; returns those that could not be deleted. */
  private List<String> deleteStacks(List<String> names, String labId, Ec2Sweep.Deleted deleted,
      List<String> blocked, List<ApplicationFailure> failures) {
    List<String> stuck = new ArrayList<>();
    for (String name : names) {
      boolean ok = run("stack " + name, blocked, failures, () -> {
        if (stacks.deleteOwned(name, labId).deleted()) {
          deleted.stacks.add(name);
        }
      });
      if (!ok) {
        stuck.add(name);
      }
    }
    return stuck;
  }

  /** Deletes each named resource of one kind, heartbeating; what was deleted goes to {@code into}. */
  private static void deleteEach(String kind, List<String> names, List<String> into,
      List<String> blocked, List<ApplicationFailure> failures, Function<String, DeleteOutput> delete) {
    for (String name : names) {
      Heartbeats.beat("deleting " + kind + " " + name);
      run(kind + " " + name, blocked, failures, () -> {
        if (delete.apply(name).deleted()) {
          into.add(name);
        }
      });
    }
  }

  /** Runs one delete; a failure is recorded as blocking and the sweep goes on. */
  private static boolean run(String what, List<String> blocked, List<ApplicationFailure> failures,
      Runnable delete) {
    try {
      delete.run();
      return true;
    } catch (SdkException e) {
      ApplicationFailure f = AwsFailures.map(e);
      failures.add(f);
      blocked.add(what + ": " + f.getOriginalMessage());
    } catch (ApplicationFailure f) {
      failures.add(f);
      blocked.add(what + ": " + f.getType() + ": " + f.getOriginalMessage());
    }
    return false;
  }
}
