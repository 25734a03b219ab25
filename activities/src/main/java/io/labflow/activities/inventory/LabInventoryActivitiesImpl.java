package io.labflow.activities.inventory;

import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.NETWORK_INTERFACES;
import static io.labflow.activities.model.ResourceKind.SUBNETS;

import io.labflow.activities.cloudformation.Stacks;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.sweep.LabSweep;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * {@link LabInventoryActivities} over the AWS SDK: {@link LabSweep} deletes, and this finds one
 * lab's resources from what its stacks hold (ListStackResources) and from its tag, reading only
 * the lab's own where a direct lookup exists: EC2 by {@link Ec2Walk}, stacks by the stack-id tag
 * of the lab's EC2 resources and by name, each then described by id (never a list-all
 * DescribeStacks, so a broken stack of another lab cannot fail this one); IAM and S3, which have
 * no lookup by tag, by {@link AccountScan}. What cannot be read and may be the lab's is listed in
 * {@code unreadable}; what is clearly not the lab's (no lab id in its name) is only logged.
 */
public final class LabInventoryActivitiesImpl implements LabInventoryActivities {

  /**
   * Every stack status but DELETE_COMPLETE: ListStacks without a filter also returns every stack
   * deleted in the last 90 days, so its pages would grow with the account's history.
   */
  static final List<StackStatus> LIVE_STATUSES = Arrays.stream(StackStatus.values())
      .filter(s -> s != StackStatus.DELETE_COMPLETE && s != StackStatus.UNKNOWN_TO_SDK_VERSION)
      .toList();

  /** The tag CloudFormation puts on the resources of a stack. */
  private static final String STACK_ID_TAG = "aws:cloudformation:stack-id";

  private final CloudFormationClient cfn;
  private final Stacks stacks;
  private final Ec2Walk ec2Walk;
  private final AccountScan accountScan;
  private final LabSweep sweep;

  /** @param deletes the step library's delete of each kind (see {@link LabSweep#LabSweep}) */
  public LabInventoryActivitiesImpl(AwsClients clients, IamEntities iam,
      Map<ResourceKind, BiFunction<String, String, DeleteOutput>> deletes) {
    this(clients, iam, deletes, new TagCache(Clock.systemUTC()));
  }

  /** The same, with this cache of other resources' tags (tests give it a clock). */
  LabInventoryActivitiesImpl(AwsClients clients, IamEntities entities,
      Map<ResourceKind, BiFunction<String, String, DeleteOutput>> deletes, TagCache cache) {
    this.cfn = clients.cloudFormation();
    this.stacks = new Stacks(cfn);
    this.ec2Walk = new Ec2Walk(clients.ec2());
    this.accountScan = new AccountScan(clients.s3(), entities, cache);
    this.sweep = new LabSweep(clients, labId -> walk(labId).build(), deletes);
  }

  @Override
  public LabResources listLabResources(LabInput in) {
    return walk(in.labId()).build();
  }

  @Override
  public DeleteLabResourcesOutput deleteLabResources(LabInput in) {
    return sweep.delete(in.labId());
  }

  /**
   * What is left of a lab, for {@code labflow test} after its teardown: the lab's inventory by its
   * tag (the one the reset sweeps by), and by name every stack, role, customer managed policy,
   * instance profile and bucket whose name holds the lab id as a word, tagged or not (what a
   * learner made and the lab never adopted carries no tag). Each as {@code kind name}, once; empty
   * when nothing is left. Read-only; runs outside an activity too.
   */
  public static List<String> leftovers(AwsClients clients, String labId) {
    FoundResources found =
        new LabInventoryActivitiesImpl(clients, new IamEntities(clients), Map.of()).walk(labId);
    LabResources tagged = found.build();
    Set<String> left = new LinkedHashSet<>();
    tagged.kinds().forEach((kind, items) -> items.forEach(i -> left.add(kind.key() + " " + i)));
    left.addAll(found.named);
    tagged.unreadable().forEach(what -> left.add("unreadable " + what));
    return List.copyOf(left);
  }

  /** The lab's resources and what is named after it. */
  FoundResources walk(String labId) {
    FoundResources f = new FoundResources(labId);
    Waiting.beat("listing EC2 resources of " + labId);
    Set<String> stackIds = new LinkedHashSet<>();
    ec2(f, stackIds);
    Waiting.beat("listing stacks of " + labId);
    stacks(f, stackIds);
    Waiting.beat("listing IAM resources of " + labId);
    accountScan.iamResources(f);
    Waiting.beat("listing buckets of " + labId);
    accountScan.s3Resources(f);
    return f;
  }

  /**
   * Adds what carries the lab tag in EC2 to {@code f}, and to {@code stackIds} the stacks that
   * CloudFormation says those resources belong to.
   */
  private void ec2(FoundResources f, Set<String> stackIds) {
    Filter tag = Ec2Walk.labTag(f.labId());
    for (ResourceKind kind : Ec2Walk.KINDS) {
      f.read((kind == INSTANCES ? "EC2 " : "") + kind.what() + "s", () -> {
        for (Ec2Walk.Found r : ec2Walk.list(kind, tag)) {
          // The filter finds the lab id in every namespace; only this namespace's are the lab's.
          // A VPC's main route table and default group are not filed (they go with the VPC), but
          // their stack counts; an interface attached to an instance is filed.
          if (r.ours(f.labId())) {
            if (r.own() || kind == NETWORK_INTERFACES) {
              f.add(kind, r.id());
            }
            r.tags().stream().filter(t -> STACK_ID_TAG.equals(t.key()))
                .forEach(t -> stackIds.add(t.value()));
          }
        }
      });
    }
    if (!f.get(SUBNETS).isEmpty()) {
      Filter inSubnets = Ec2Walk.filter("subnet-id", f.get(SUBNETS).toArray(String[]::new));
      f.read("network interfaces", () -> ec2Walk.list(NETWORK_INTERFACES, inSubnets)
          .forEach(n -> f.add(NETWORK_INTERFACES, n.id())));
    }
    if (!f.get(INSTANCES).isEmpty()) {
      Filter ofInstances = Ec2Walk.filter("instance-id", f.get(INSTANCES).toArray(String[]::new));
      f.read("instance profile associations", () -> ec2Walk.associations(ofInstances).forEach(
          a -> f.add(ResourceKind.ASSOCIATIONS, a.instanceId() + "/" + a.associationId())));
    }
  }

  private void stacks(FoundResources f, Set<String> fromTags) {
    Map<String, Boolean> candidates = new LinkedHashMap<>();
    fromTags.forEach(id -> candidates.put(id, true));
    f.read("stack summaries", () -> {
      for (StackSummary s :
          cfn.listStacksPaginator(b -> b.stackStatusFilters(LIVE_STATUSES)).stackSummaries()) {
        if (f.namedAfterLab(s.stackName(), "stacks " + s.stackName())) {
          candidates.putIfAbsent(s.stackId(), false);
        }
      }
    });
    for (Map.Entry<String, Boolean> c : candidates.entrySet()) {
      // One tied to the lab by a tag that cannot be read is unreadable; one only named after it
      // is left alone.
      f.check("stack " + c.getKey(), c.getValue(), () -> stacks.describe(c.getKey())
          .filter(s -> !Stacks.isGone(s) && Stacks.owned(s, f.labId()))
          .ifPresent(s -> resources(f, s)));
    }
  }

  /** Files the resources of one of the lab's stacks by kind. */
  private void resources(FoundResources f, Stack s) {
    f.add(ResourceKind.STACKS, s.stackName());
    // A stack whose creation broke half way may not list its resources (moto answers with the
    // error that broke it). It is in the inventory itself, its tagged resources are found by
    // the tag, and deleting it takes the rest: that is logged, not an unreadable resource.
    f.read("resources of stack " + s.stackName(), false, () -> {
      for (StackResourceSummary r : stacks.resources(s.stackId())) {
        Optional<ResourceKind> kind = ResourceKind.ofTemplateType(r.resourceType());
        if (kind.isEmpty()) {
          f.add(ResourceKind.UNKNOWN,
              r.resourceType() + " " + r.physicalResourceId() + " (" + s.stackName() + ")");
        } else if (ResourceKind.isOwnResource(r.resourceType())) {
          f.add(kind.get(), r.physicalResourceId());
        }
      }
    });
  }
}
