package io.labflow.activities.inventory;

import io.labflow.activities.common.Tags;
import io.labflow.activities.model.ResourceKind;
import java.util.List;
import java.util.Set;
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
    return Tags.owned(tags, Tag::key, Tag::value, f.labId);
  }

  /**
   * Adds what carries the lab tag in EC2 to {@code f}, and to {@code stackIds} the stacks that
   * CloudFormation says those resources belong to.
   */
  void tagged(FoundResources f, Set<String> stackIds) {
    Filter tag = Filter.builder().name("tag:" + Tags.LAB_TAG).values(f.labId).build();
    f.read("EC2 instances", () -> {
      for (var r : ec2.describeInstancesPaginator(b -> b.filters(tag)).reservations()) {
        for (Instance i : r.instances()) {
          String state = i.state().nameAsString();
          if (!"terminated".equals(state) && ours(i.tags(), f)) {
            f.add(ResourceKind.INSTANCES, i.instanceId());
            stackIds.addAll(stackIds(i.tags()));
          }
        }
      }
    });
    f.read("internet gateways", () -> {
      for (InternetGateway g : ec2.describeInternetGatewaysPaginator(b -> b.filters(tag)).internetGateways()) {
        if (!ours(g.tags(), f)) {
          continue;
        }
        f.add(ResourceKind.INTERNET_GATEWAYS, g.internetGatewayId());
        stackIds.addAll(stackIds(g.tags()));
      }
    });
    f.read("route tables", () -> {
      for (RouteTable t : ec2.describeRouteTablesPaginator(b -> b.filters(tag)).routeTables()) {
        if (!ours(t.tags(), f)) {
          continue;
        }
        if (t.associations().stream().noneMatch(a -> Boolean.TRUE.equals(a.main()))) {
          f.add(ResourceKind.ROUTE_TABLES, t.routeTableId());
        }
        stackIds.addAll(stackIds(t.tags()));
      }
    });
    f.read("security groups", () -> {
      for (SecurityGroup g : ec2.describeSecurityGroupsPaginator(b -> b.filters(tag)).securityGroups()) {
        if (!ours(g.tags(), f)) {
          continue;
        }
        if (!"default".equals(g.groupName())) {
          f.add(ResourceKind.SECURITY_GROUPS, g.groupId());
        }
        stackIds.addAll(stackIds(g.tags()));
      }
    });
    f.read("subnets", () -> {
      for (Subnet s : ec2.describeSubnetsPaginator(b -> b.filters(tag)).subnets()) {
        if (!ours(s.tags(), f)) {
          continue;
        }
        f.add(ResourceKind.SUBNETS, s.subnetId());
        stackIds.addAll(stackIds(s.tags()));
      }
    });
    f.read("VPCs", () -> {
      for (Vpc v : ec2.describeVpcsPaginator(b -> b.filters(tag)).vpcs()) {
        if (!ours(v.tags(), f)) {
          continue;
        }
        f.add(ResourceKind.VPCS, v.vpcId());
        stackIds.addAll(stackIds(v.tags()));
      }
    });
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

  private static List<String> stackIds(List<Tag> tags) {
    return tags.stream().filter(t -> STACK_ID_TAG.equals(t.key())).map(Tag::value).toList();
  }
}
