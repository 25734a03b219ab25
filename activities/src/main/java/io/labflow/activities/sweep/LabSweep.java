package io.labflow.activities.sweep;

import static io.labflow.activities.model.ResourceKind.ASSOCIATIONS;
import static io.labflow.activities.model.ResourceKind.BUCKETS;
import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.INSTANCE_PROFILES;
import static io.labflow.activities.model.ResourceKind.POLICIES;
import static io.labflow.activities.model.ResourceKind.ROLES;
import static io.labflow.activities.model.ResourceKind.STACKS;

import io.labflow.activities.cloudformation.Stacks;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.s3.S3Buckets;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes everything of a lab (DeleteLabResources) in a safe order: profile associations, instance
 * profiles, roles, policies, stacks, the EC2 resources no stack took with it ({@link Ec2Sweep}),
 * then the lab's buckets; then reads the lab again and reports what is left and what blocked it.
 * Every delete checks ownership right before it; the whole sweep is idempotent.
 */
public final class LabSweep {

  private static final Logger log = LoggerFactory.getLogger(LabSweep.class);

  private final Function<String, LabResources> inventory;
  private final Stacks stacks;
  private final Map<ResourceKind, BiFunction<String, String, DeleteOutput>> deletes;
  private final S3Buckets buckets;
  private final Ec2Sweep ec2Sweep;

  /**
   * @param inventory the lab's inventory by lab id, read again after each round
   * @param deletes the step library's delete of each kind the sweep deletes one by one, by id and
   *     lab id, when it carries the lab's tag ({@link DeleteOutput#deleted()} false when already
   *     gone): {@code ASSOCIATIONS} (by instance id), {@code INSTANCE_PROFILES}, {@code ROLES},
   *     {@code POLICIES}, {@code STACKS}
   */
  public LabSweep(AwsClients clients, Function<String, LabResources> inventory,
      Map<ResourceKind, BiFunction<String, String, DeleteOutput>> deletes) {
    this(clients, inventory, deletes, Ec2Sweep.TERMINATION);
  }

  /** The same, waiting at most {@code termination} for the lab's instances to terminate. */
  LabSweep(AwsClients clients, Function<String, LabResources> inventory,
      Map<ResourceKind, BiFunction<String, String, DeleteOutput>> deletes, Duration termination) {
    this.inventory = inventory;
    this.stacks = new Stacks(clients.cloudFormation());
    this.deletes = Map.copyOf(deletes);
    this.buckets = new S3Buckets(clients.s3());
    this.ec2Sweep = new Ec2Sweep(clients.ec2(), termination);
  }

  /**
   * What each heartbeat of a sweep carries: what it is doing, and what it deleted so far, its
   * earlier attempts' included, so that a sweep Temporal tries again reports all it deleted.
   */
  public record Progress(String doing, LabResources deleted) {}

  /** Sweeps the lab; a transient failure while some of it is left fails it retryably. */
  public DeleteLabResourcesOutput delete(String labId) {
    Swept swept = new Swept(labId, Waiting.carried(Progress.class).map(Progress::deleted));
    return Waiting.carrying(doing -> new Progress(doing, swept.deleted.build()),
        () -> sweep(labId, swept));
  }

  private DeleteLabResourcesOutput sweep(String labId, Swept swept) {
    LabResources found = inventory.apply(labId);
    deleteEach(ASSOCIATIONS, found.get(INSTANCES), labId, swept);
    for (ResourceKind kind : List.of(INSTANCE_PROFILES, ROLES, POLICIES)) {
      deleteEach(kind, found.get(kind), labId, swept);
    }
    List<String> stuck = deleteEach(STACKS, found.get(STACKS), labId, swept);

    // What no stack took with it (retained, DELETE_FAILED, an emulator gap), found by the tag only.
    int beforeEc2 = swept.blocked.size();
    Map<String, String> inUse = ec2Sweep.delete(labId, swept);
    if (!stuck.isEmpty()) {
      // A stack that failed to delete may have waited on what the EC2 sweep just removed.
      swept.blocked.subList(beforeEc2, swept.blocked.size()).clear();
      swept.blocked.removeIf(b -> stuck.stream().anyMatch(s -> b.startsWith("stack " + s + ":")));
      deleteEach(STACKS, stuck, labId, swept);
      inUse = ec2Sweep.delete(labId, swept);
    }

    LabResources remaining = stillThere(labId, swept);
    for (Map.Entry<String, String> e : inUse.entrySet()) {
      if (remaining.kinds().values().stream().anyMatch(ids -> ids.contains(e.getKey()))) {
        swept.blocked.add(e.getValue());
      }
    }
    List<String> labStacks = remaining.get(STACKS);
    deleteEach(BUCKETS, remaining.get(BUCKETS), swept,
        bucket -> deleteBucket(bucket, labStacks, labId));
    if (!swept.deleted.get(BUCKETS).isEmpty()) {
      remaining = stillThere(labId, swept);
    }
    swept.blocked.addAll(remaining.unreadable());
    if (!remaining.noneTagged()) {
      log.warn("lab {}: still there after the sweep: {}; blocked by: {}", labId, remaining.counts(),
          swept.blocked);
    }
    ApplicationFailure transientFailure =
        swept.failures.stream().filter(f -> !f.isNonRetryable()).findFirst().orElse(null);
    if (transientFailure != null && !remaining.noneTagged()) {
      // A throttled or failed call: the whole sweep is idempotent, so Temporal tries it again.
      throw AwsFailures.retryable(
          "sweep of lab " + labId + " incomplete (" + remaining.counts() + "); blocked by: "
              + String.join("; ", swept.blocked),
          transientFailure.getType());
    }
    // As before: the instances freed of their profile (the stack then terminates them), unless
    // one is still there.
    List<String> left = remaining.get(INSTANCES);
    swept.deleted.get(ASSOCIATIONS).stream().filter(i -> !left.contains(i))
        .forEach(i -> swept.deleted.add(INSTANCES, i));
    return new DeleteLabResourcesOutput(swept.deleted.build(), remaining, swept.blocked);
  }

  /**
   * The lab read again, but what this sweep deleted itself: a stack it could not delete still
   * lists the resources the sweep deleted from under it.
   */
  private LabResources stillThere(String labId, Swept swept) {
    LabResources read = inventory.apply(labId);
    LabResources.Builder left = new LabResources.Builder(labId);
    read.kinds().forEach((kind, ids) -> ids.stream()
        .filter(id -> !swept.deleted.get(kind).contains(id)).forEach(id -> left.add(kind, id)));
    read.unreadable().forEach(left::unreadable);
    return left.build();
  }

  private List<String> deleteEach(ResourceKind kind, List<String> ids, String labId, Swept swept) {
    return deleteEach(kind, ids, swept, id -> deletes.get(kind).apply(id, labId));
  }

  /** Deletes each resource of the kind, heartbeating; returns those that could not be deleted. */
  private static List<String> deleteEach(
      ResourceKind kind, List<String> ids, Swept swept, Function<String, DeleteOutput> delete) {
    List<String> stuck = new ArrayList<>();
    for (String id : ids) {
      Waiting.beat("deleting " + kind.what() + " " + id);
      if (!swept.run(kind.what() + " " + id, () -> {
        if (delete.apply(id).deleted()) {
          swept.deleted(kind, id);
        }
      })) {
        stuck.add(id);
      }
    }
    return stuck;
  }

  /**
   * Empties and deletes a bucket, read again right before (the inventory may have read it a while
   * ago): only one tagged for the lab, or held by the lab's own stack, is (a stack's resource need
   * not carry the tag: moto does not propagate stack tags to all).
   */
  private DeleteOutput deleteBucket(String bucket, List<String> labStacks, String labId) {
    if (!buckets.ownedBy(bucket, labId) && labStacks.stream().noneMatch(s -> stacks.resources(s)
        .stream().anyMatch(r -> bucket.equals(r.physicalResourceId())))) {
      throw AwsFailures.notOwned("bucket " + bucket, labId);
    }
    return new DeleteOutput("bucket/" + bucket, buckets.delete(bucket));
  }
}
