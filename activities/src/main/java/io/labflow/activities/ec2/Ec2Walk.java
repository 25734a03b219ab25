package io.labflow.activities.ec2;

import io.labflow.activities.common.Tags;
import io.labflow.activities.model.ResourceKind;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The one walk of EC2 resources by kind: the inventory and the sweep list the lab's by its tag
 * ({@code tag:labflow:lab}; the inventory network interfaces also by the lab's subnets), the sweep
 * a VPC's contents by {@code vpc-id} and instances by id until they are terminated. Each comes
 * with its tags, so {@link Found#ours} decides ownership by {@link Tags#owned}.
 */
public record Ec2Walk(Ec2Client ec2) {

  /**
   * One EC2 resource.
   *
   * @param own whether it is the kind's own to delete: a VPC's main route table and default
   *     security group go with the VPC, an interface attached to an instance with the instance
   * @param state an instance's state or an interface's status; null for the other kinds
   */
  public record Found(String id, List<Tag> tags, boolean own, String state) {

    public boolean ours(String labId) {
      return Tags.owned(tags, Tag::key, Tag::value, labId);
    }
  }

  /** The kinds walked, in the order they are deleted: what holds another goes first. */
  public static final List<ResourceKind> KINDS = List.of(ResourceKind.INSTANCES,
      ResourceKind.NETWORK_INTERFACES, ResourceKind.ROUTE_TABLES, ResourceKind.INTERNET_GATEWAYS,
      ResourceKind.SECURITY_GROUPS, ResourceKind.SUBNETS, ResourceKind.VPCS);

  /** The filter on the lab's tag (it finds the lab id in every namespace: check {@code ours}). */
  public static Filter labTag(String labId) {
    return filter("tag:" + Tags.LAB_TAG, labId);
  }

  public static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }

  /**
   * The resources of one kind that match every filter; terminated instances are left out.
   *
   * @throws IllegalArgumentException for a kind that is not EC2's or not walked
   */
  public List<Found> list(ResourceKind kind, Filter... filters) {
    Stream<Found> found = switch (kind) {
      case INSTANCES -> ec2.describeInstancesPaginator(b -> b.filters(filters)).reservations()
          .stream().flatMap(r -> r.instances().stream())
          .filter(i -> !"terminated".equals(i.state().nameAsString()))
          .map(i -> new Found(i.instanceId(), i.tags(), true, i.state().nameAsString()));
      case NETWORK_INTERFACES -> ec2.describeNetworkInterfacesPaginator(b -> b.filters(filters))
          .networkInterfaces().stream()
          .map(n -> new Found(n.networkInterfaceId(), n.tagSet(),
              n.attachment() == null || n.attachment().instanceId() == null, n.statusAsString()));
      case ROUTE_TABLES -> ec2.describeRouteTablesPaginator(b -> b.filters(filters))
          .routeTables().stream()
          .map(t -> new Found(t.routeTableId(), t.tags(),
              t.associations().stream().noneMatch(a -> Boolean.TRUE.equals(a.main())), null));
      case INTERNET_GATEWAYS -> ec2.describeInternetGatewaysPaginator(b -> b.filters(filters))
          .internetGateways().stream()
          .map(g -> new Found(g.internetGatewayId(), g.tags(), true, null));
      case SECURITY_GROUPS -> ec2.describeSecurityGroupsPaginator(b -> b.filters(filters))
          .securityGroups().stream()
          .map(g -> new Found(g.groupId(), g.tags(), !"default".equals(g.groupName()), null));
      case SUBNETS -> ec2.describeSubnetsPaginator(b -> b.filters(filters)).subnets().stream()
          .map(s -> new Found(s.subnetId(), s.tags(), true, null));
      case VPCS -> ec2.describeVpcsPaginator(b -> b.filters(filters)).vpcs().stream()
          .map(v -> new Found(v.vpcId(), v.tags(), true, null));
      default -> throw new IllegalArgumentException("not an EC2 kind: " + kind);
    };
    return found.toList();
  }

  /** The current (associated or associating) instance profile associations that match. */
  public List<IamInstanceProfileAssociation> associations(Filter... filters) {
    return ec2.describeIamInstanceProfileAssociationsPaginator(b -> b.filters(filters))
        .iamInstanceProfileAssociations().stream()
        .filter(a -> List.of("associated", "associating").contains(a.stateAsString()))
        .toList();
  }
}
