package io.labflow.activities.sweep;

import static io.labflow.activities.model.ResourceKind.INTERNET_GATEWAYS;
import static io.labflow.activities.model.ResourceKind.ROUTE_TABLES;
import static io.labflow.activities.model.ResourceKind.SECURITY_GROUPS;
import static io.labflow.activities.model.ResourceKind.SUBNETS;
import static java.lang.Boolean.TRUE;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.common.Tags;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Deletes one lab VPC, waiting for what still depends on it. {@code DeleteVpc} answers
 * {@code DependencyViolation} while anything is left in the VPC: on AWS an instance still
 * shutting down and its network interfaces being released, and a security group or subnet those
 * interfaces still use; and, when resets run at once, what the lab's stack deletion (still
 * running after a retried {@code DeleteStack}) left or made after the sweep's listing. So on that
 * answer the VPC's contents are read by {@code vpc-id}, every dependant carrying the lab's tag is
 * deleted in dependency order, and the delete is tried again, heartbeating, within a budget.
 *
 * <p>A dependant that is not the lab's is never touched: the VPC is then left and the sweep
 * reports what holds it. When only the lab's own dependants are still going away after the budget,
 * the failure is retryable, so Temporal tries the (idempotent) sweep again.
 */
final class VpcSweep {

  /** The error code EC2 answers while a resource is still in use. */
  static final String DEPENDENCY_VIOLATION = "DependencyViolation";

  /** How long a VPC's own dependants may take to go away before Temporal retries the sweep. */
  private static final Duration BUDGET = Duration.ofMinutes(2);

  private final Ec2Client ec2;

  VpcSweep(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** What one look inside the VPC found: foreign dependants, and the lab's still going away. */
  private record Contents(List<String> foreign, List<String> pending) {

    /**
     * Deletes the lab's resources of one kind in the VPC (those {@code own}: not a VPC's main route
     * table or default group), counting the others as foreign and the refused as pending.
     */
    <T> void clear(Ec2Client ec2, String labId, LabResources.Builder deleted, ResourceKind kind,
        Iterable<T> found, Function<T, List<Tag>> tags, Function<T, String> ids, Predicate<T> own) {
      for (T r : found) {
        String id = ids.apply(r);
        if (!own.test(r)) {
          continue;
        }
        if (!ours(tags.apply(r), labId)) {
          foreign.add(kind.what() + " " + id);
        } else if (quietly(() -> Ec2Sweep.deleteOne(ec2, kind, id))) {
          deleted.add(kind, id);
        } else {
          pending.add(kind.what() + " " + id);
        }
      }
    }
  }

  /**
   * Deletes the VPC (it carries the lab's tag); adds to {@code blocked} what holds it, and to
   * {@code failures} a retryable failure when only the lab's own dependants still held it after
   * the budget.
   */
  void delete(String labId, String vpc, LabResources.Builder deleted, List<String> blocked,
      List<ApplicationFailure> failures) {
    String[] last = {null};
    Contents[] seen = {null};
    Boolean gone;
    try {
      gone = Heartbeats.untilPresent("waiting for the dependants of VPC " + vpc, BUDGET, () -> {
        try {
          return AwsErrors.doneUnless(() -> ec2.deleteVpc(b -> b.vpcId(vpc)), Ec2Sweep::isNotFound);
        } catch (AwsServiceException e) {
          if (!AwsFailures.hasCode(e, DEPENDENCY_VIOLATION)) {
            throw e;
          }
          last[0] = AwsFailures.map(e).getOriginalMessage();
        }
        seen[0] = clear(labId, vpc, deleted);
        // Nothing of the lab's is left to wait for: what holds the VPC is someone else's.
        return seen[0].foreign().isEmpty() ? null : Boolean.FALSE;
      });
    } catch (SdkException e) {
      blocked.add("VPC " + vpc + ": " + AwsFailures.map(e).getOriginalMessage());
      return;
    }
    if (Boolean.TRUE.equals(gone)) {
      deleted.add(ResourceKind.VPCS, vpc);
    } else if (gone == null) {
      String why = "VPC " + vpc + ": " + last[0] + "; still in it after " + BUDGET + ": "
          + (seen[0] == null ? List.of() : seen[0].pending());
      blocked.add(why);
      failures.add(AwsFailures.retryable(why, DEPENDENCY_VIOLATION));
    } else if (seen[0] != null && !seen[0].foreign().isEmpty()) {
      blocked.add("VPC " + vpc + ": " + last[0] + "; it holds " + seen[0].foreign()
          + ", not tagged for lab " + labId + ", left as they are");
    }
  }

  /** Deletes what of the lab's is in the VPC, in dependency order; reports what is left. */
  private Contents clear(String labId, String vpc, LabResources.Builder deleted) {
    Filter inVpc = Filter.builder().name("vpc-id").values(vpc).build();
    List<String> foreign = new ArrayList<>();
    List<String> pending = new ArrayList<>();

    List<String> terminate = new ArrayList<>();
    for (var r : ec2.describeInstancesPaginator(b -> b.filters(inVpc)).reservations()) {
      for (Instance i : r.instances()) {
        String state = i.state().nameAsString();
        if ("terminated".equals(state)) {
          continue;
        }
        if (!ours(i.tags(), labId)) {
          foreign.add("instance " + i.instanceId());
          continue;
        }
        pending.add("instance " + i.instanceId() + " (" + state + ")");
        if (!"shutting-down".equals(state)) {
          terminate.add(i.instanceId());
        }
      }
    }
    if (!terminate.isEmpty()) {
      Heartbeats.beat("terminating " + terminate + " in VPC " + vpc);
      if (quietly(() -> ec2.terminateInstances(b -> b.instanceIds(terminate)))) {
        terminate.forEach(i -> deleted.add(ResourceKind.INSTANCES, i));
      }
    }
    for (NetworkInterface n :
        ec2.describeNetworkInterfacesPaginator(b -> b.filters(inVpc)).networkInterfaces()) {
      String id = n.networkInterfaceId();
      if (n.attachment() != null && n.attachment().instanceId() != null) {
        // In use by an instance: it goes with the instance (listed above) or is detached first.
        pending.add("network interface " + id + " (" + n.statusAsString() + ")");
      } else if (!ours(n.tagSet(), labId)) {
        foreign.add("network interface " + id);
      } else if ("available".equals(n.statusAsString())) {
        if (quietly(() -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(id)))) {
          deleted.add(ResourceKind.NETWORK_INTERFACES, id);
        }
      } else {
        pending.add("network interface " + id + " (" + n.statusAsString() + ")");
      }
    }
    Contents c = new Contents(foreign, pending);
    c.clear(ec2, labId, deleted, ROUTE_TABLES,
        ec2.describeRouteTablesPaginator(b -> b.filters(inVpc)).routeTables(), RouteTable::tags,
        RouteTable::routeTableId, t -> t.associations().stream().noneMatch(a -> TRUE.equals(a.main())));
    Filter attached = Filter.builder().name("attachment.vpc-id").values(vpc).build();
    c.clear(ec2, labId, deleted, INTERNET_GATEWAYS,
        ec2.describeInternetGatewaysPaginator(b -> b.filters(attached)).internetGateways(),
        InternetGateway::tags, InternetGateway::internetGatewayId, g -> true);
    c.clear(ec2, labId, deleted, SECURITY_GROUPS,
        ec2.describeSecurityGroupsPaginator(b -> b.filters(inVpc)).securityGroups(),
        SecurityGroup::tags, SecurityGroup::groupId, g -> !"default".equals(g.groupName()));
    c.clear(ec2, labId, deleted, SUBNETS, ec2.describeSubnetsPaginator(b -> b.filters(inVpc)).subnets(),
        Subnet::tags, Subnet::subnetId, x -> true);
    return c;
  }

  private static boolean ours(List<Tag> tags, String labId) {
    return Tags.owned(tags, Tag::key, Tag::value, labId);
  }

  /**
   * Runs a delete of a dependant; true when it deleted. Gone is done, and a dependant still in use
   * (DependencyViolation) is tried again on the next round; any other refusal fails the round.
   */
  private static boolean quietly(Runnable delete) {
    try {
      return AwsErrors.doneUnless(delete, Ec2Sweep::isNotFound);
    } catch (AwsServiceException e) {
      if (AwsFailures.hasCode(e, DEPENDENCY_VIOLATION)) {
        return false;
      }
      throw e;
    }
  }
}
