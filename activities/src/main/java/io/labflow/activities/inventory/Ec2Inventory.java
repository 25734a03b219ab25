package io.labflow.activities.inventory;

import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.INTERNET_GATEWAYS;
import static io.labflow.activities.model.ResourceKind.ROUTE_TABLES;
import static io.labflow.activities.model.ResourceKind.SECURITY_GROUPS;
import static io.labflow.activities.model.ResourceKind.SUBNETS;
import static io.labflow.activities.model.ResourceKind.VPCS;

import io.labflow.activities.common.Tags;
import io.labflow.activities.model.ResourceKind;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The EC2 part of a lab's inventory: found by the tag filter ({@code tag:labflow:lab}), network
 * interfaces also by the lab's subnets, associations by the lab's instances.
 */
final class Ec2Inventory {

  /** The tag CloudFormation puts on the resources of a stack. */
  static final String STACK_ID_TAG = "aws:cloudformation:stack-id";

  private final Ec2Client ec2;

  Ec2Inventory(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** The tag filter finds the lab id in every namespace; only this namespace's are the lab's. */
  private static boolean ours(List<Tag> tags, FoundResources f) {
    return Tags.owned(tags, Tag::key, Tag::value, f.labId());
  }

  /**
   * Adds what carries the lab tag in EC2 to {@code f}, and to {@code stackIds} the stacks that
   * CloudFormation says those resources belong to.
   */
  void tagged(FoundResources f, Set<String> stackIds) {
    Filter tag = Filter.builder().name("tag:" + Tags.LAB_TAG).values(f.labId()).build();
    Tagged each = new Tagged(f, stackIds);
    each.file(INSTANCES, () -> ec2.describeInstancesPaginator(b -> b.filters(tag)).reservations()
            .stream().flatMap(r -> r.instances().stream())
            .filter(i -> !"terminated".equals(i.state().nameAsString())).toList(),
        Instance::tags, Instance::instanceId, i -> true);
    each.file(INTERNET_GATEWAYS,
        () -> ec2.describeInternetGatewaysPaginator(b -> b.filters(tag)).internetGateways(),
        InternetGateway::tags, InternetGateway::internetGatewayId, g -> true);
    each.file(ROUTE_TABLES, () -> ec2.describeRouteTablesPaginator(b -> b.filters(tag)).routeTables(),
        RouteTable::tags, RouteTable::routeTableId,
        t -> t.associations().stream().noneMatch(a -> Boolean.TRUE.equals(a.main())));
    each.file(SECURITY_GROUPS,
        () -> ec2.describeSecurityGroupsPaginator(b -> b.filters(tag)).securityGroups(),
        SecurityGroup::tags, SecurityGroup::groupId, g -> !"default".equals(g.groupName()));
    each.file(SUBNETS, () -> ec2.describeSubnetsPaginator(b -> b.filters(tag)).subnets(),
        Subnet::tags, Subnet::subnetId, s -> true);
    each.file(VPCS, () -> ec2.describeVpcsPaginator(b -> b.filters(tag)).vpcs(),
        Vpc::tags, Vpc::vpcId, v -> true);
    f.read("network interfaces", () -> {
      for (NetworkInterface n : ec2.describeNetworkInterfacesPaginator(b -> b.filters(tag)).networkInterfaces()) {
        if (ours(n.tagSet(), f)) {
          f.add(ResourceKind.NETWORK_INTERFACES, n.networkInterfaceId());
        }
      }
      List<String> subnets = List.copyOf(f.get(ResourceKind.SUBNETS));
      if (!subnets.isEmpty()) {
        Filter inSubnets = Filter.builder().name("subnet-id").values(subnets).build();
        for (NetworkInterface n :
            ec2.describeNetworkInterfacesPaginator(b -> b.filters(inSubnets)).networkInterfaces()) {
          f.add(ResourceKind.NETWORK_INTERFACES, n.networkInterfaceId());
        }
      }
    });
    List<String> instances = List.copyOf(f.get(ResourceKind.INSTANCES));
    if (!instances.isEmpty()) {
      f.read("instance profile associations", () -> {
        Filter ofInstances = Filter.builder().name("instance-id").values(instances).build();
        for (IamInstanceProfileAssociation a :
            ec2.describeIamInstanceProfileAssociationsPaginator(b -> b.filters(ofInstances))
                .iamInstanceProfileAssociations()) {
          String state = a.stateAsString();
          if ("associated".equals(state) || "associating".equals(state)) {
            f.add(ResourceKind.ASSOCIATIONS, a.instanceId() + "/" + a.associationId());
          }
        }
      });
    }
  }

  /** Files the resources of one kind that carry the lab's tag, and the stacks they belong to. */
  private record Tagged(FoundResources f, Set<String> stackIds) {
    /**
     * @param filed whether a resource of the lab's is the kind's own (a VPC's main route table and
     *     default security group are not: they go with the VPC), its stack counted either way
     */
    <T> void file(ResourceKind kind, Supplier<Iterable<T>> listing, Function<T, List<Tag>> tags,
        Function<T, String> id, Predicate<T> filed) {
      f.read((kind == INSTANCES ? "EC2 " : "") + kind.what() + "s", () -> {
        for (T r : listing.get()) {
          if (ours(tags.apply(r), f)) {
            if (filed.test(r)) {
              f.add(kind, id.apply(r));
            }
            tags.apply(r).stream().filter(t -> STACK_ID_TAG.equals(t.key()))
                .forEach(t -> stackIds.add(t.value()));
          }
        }
      });
    }
  }
}
