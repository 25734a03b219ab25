package io.labflow.activities;

import io.labflow.activities.model.LabResources;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;
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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.PolicyVersion;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Finds one lab's resources, from what its stacks really hold (ListStackResources) and from its
 * tag, reading only the lab's own resources where a direct lookup exists:
 *
 * <ul>
 *   <li>EC2 by the tag filter ({@code tag:labflow:lab}); network interfaces also by the lab's
 *       subnets, associations by the lab's instances.
 *   <li>Stacks by the {@code aws:cloudformation:stack-id} tag CloudFormation puts on the lab's
 *       tagged EC2 resources, and by name (ListStacks summaries whose name holds the lab id as a
 *       word); each then by DescribeStacks with its id, never a list-all DescribeStacks, so a
 *       broken stack of another lab cannot fail this one.
 *   <li>IAM and S3 have no lookup by tag: every role, policy, profile and bucket is checked by its
 *       tag, each on its own, so one that cannot be read is reported, not fatal.
 * </ul>
 *
 * Whatever cannot be read and may be the lab's is listed in {@code unreadable}; what cannot be
 * read and is clearly not the lab's (no lab id in its name) is only logged.
 */
final class LabInventory {

  private static final Logger log = LoggerFactory.getLogger(LabInventory.class);
  static final String STACK_ID_TAG = "aws:cloudformation:stack-id";
  private static final int OBJECTS_LISTED = 100;

  private final CloudFormationClient cfn;
  private final Ec2Client ec2;
  private final IamClient iam;
  private final S3Client s3;
  private final S3Buckets buckets;
  private final IamActivitiesImpl iamActs;

  LabInventory(AwsClients clients, IamActivitiesImpl iamActs) {
    this.cfn = clients.cloudFormation();
    this.ec2 = clients.ec2();
    this.iam = clients.iam();
    this.s3 = clients.s3();
    this.buckets = new S3Buckets(clients.s3());
    this.iamActs = iamActs;
  }

  /** Everything of the lab, by kind. */
  LabResources find(String labId) {
    FoundResources f = new FoundResources(labId);
    Heartbeats.beat("listing EC2 resources of " + labId);
    Set<String> stackIds = new LinkedHashSet<>();
    ec2Tagged(f, stackIds);
    Heartbeats.beat("listing stacks of " + labId);
    stacks(f, stackIds);
    Heartbeats.beat("listing IAM resources of " + labId);
    iamResources(f);
    Heartbeats.beat("listing buckets of " + labId);
    s3Resources(f);
    return f.toResources();
  }

  /** Only what carries the tag in EC2 (instances, gateways, tables, groups, subnets, VPCs). */
  LabResources findTaggedEc2(String labId) {
    FoundResources f = new FoundResources(labId);
    ec2Tagged(f, new LinkedHashSet<>());
    return f.toResources();
  }

  // ---------------------------------------------------------------- EC2

  /** The tag filter finds the lab id in every namespace; only this namespace's are the lab's. */
  private static boolean ours(
      List<software.amazon.awssdk.services.ec2.model.Tag> tags, FoundResources f) {
    return Tags.owned(tags, software.amazon.awssdk.services.ec2.model.Tag::key,
        software.amazon.awssdk.services.ec2.model.Tag::value, f.labId);
  }

  private void ec2Tagged(FoundResources f, Set<String> stackIds) {
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

  // ---------------------------------------------------------------- CloudFormation

  private void stacks(FoundResources f, Set<String> fromTags) {
    Pattern word = labIdAsWord(f.labId);
    Map<String, Boolean> candidates = new LinkedHashMap<>();
    fromTags.forEach(id -> candidates.put(id, true));
    f.read("stack summaries", () -> {
      for (StackSummary s : cfn.listStacksPaginator(b -> {}).stackSummaries()) {
        if (s.stackStatus() != StackStatus.DELETE_COMPLETE && word.matcher(s.stackName()).find()) {
          candidates.putIfAbsent(s.stackId(), false);
        }
      }
    });
    for (Map.Entry<String, Boolean> c : candidates.entrySet()) {
      Optional<Stack> stack;
      try {
        stack = describeStack(c.getKey());
      } catch (SdkException e) {
        String why = "stack " + c.getKey() + " (DescribeStacks: " + reason(e) + ")";
        if (c.getValue()) {
          FoundResources.rethrowIfTransient(e);
          f.unreadable(why);
        } else {
          log.warn("lab {}: cannot read {}; its name holds the lab id but nothing else ties it to"
              + " the lab, so it is left alone", f.labId, why);
        }
        continue;
      }
      if (stack.isEmpty() || CloudFormationActivitiesImpl.isGone(stack.get())
          || !CloudFormationActivitiesImpl.owned(stack.get(), f.labId)) {
        continue;
      }
      Stack s = stack.get();
      f.add(ResourceKind.STACKS, s.stackName());
      // A stack whose creation broke half way may not list its resources (moto answers with the
      // error that broke it). It is in the inventory itself, its tagged resources are found by
      // the tag, and deleting it takes the rest: that is logged, not an unreadable resource.
      f.readOrLog("resources of stack " + s.stackName(), () -> {
        for (StackResourceSummary r :
            cfn.listStackResourcesPaginator(b -> b.stackName(s.stackId())).stackResourceSummaries()) {
          if ("DELETE_COMPLETE".equals(r.resourceStatusAsString()) || r.physicalResourceId() == null
              || r.physicalResourceId().isBlank()) {
            continue;
          }
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

  Optional<Stack> describeStack(String nameOrId) {
    try {
      return cfn.describeStacks(b -> b.stackName(nameOrId)).stacks().stream().findFirst();
    } catch (AwsServiceException e) {
      String msg = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
      if (AwsFailures.hasCode(e, "ValidationError") && msg != null && msg.contains("does not exist")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The lab id as a whole word of a name: lab-1 matches labflow-lab-1 but not labflow-lab-10. */
  static Pattern labIdAsWord(String labId) {
    return Pattern.compile("(^|[^A-Za-z0-9])" + Pattern.quote(labId) + "($|[^A-Za-z0-9])");
  }

  // ---------------------------------------------------------------- IAM and S3

  private void iamResources(FoundResources f) {
    Pattern word = labIdAsWord(f.labId);
    f.read("roles", () -> {
      for (Role r : iam.listRolesPaginator(b -> {}).roles()) {
        f.check("role " + r.roleName(), word.matcher(r.roleName()).find(),
            () -> iamActs.roleOwned(r.roleName(), f.labId),
            () -> f.add(ResourceKind.ROLES, r.roleName()));
      }
    });
    f.read("policies", () -> {
      for (Policy p : iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies()) {
        f.check("policy " + p.arn(), word.matcher(p.policyName()).find(),
            () -> iamActs.policyOwned(p.arn(), f.labId),
            () -> {
              f.add(ResourceKind.POLICIES, p.arn());
              for (PolicyVersion v : iam.listPolicyVersionsPaginator(b -> b.policyArn(p.arn())).versions()) {
                f.add(ResourceKind.POLICY_VERSIONS, p.arn() + "#" + v.versionId());
              }
            });
      }
    });
    f.read("instance profiles", () -> {
      for (InstanceProfile p : iam.listInstanceProfilesPaginator(b -> {}).instanceProfiles()) {
        f.check("instance profile " + p.instanceProfileName(),
            word.matcher(p.instanceProfileName()).find(),
            () -> iamActs.profileOwned(p.instanceProfileName(), f.labId),
            () -> f.add(ResourceKind.INSTANCE_PROFILES, p.instanceProfileName()));
      }
    });
  }

  private void s3Resources(FoundResources f) {
    Pattern word = labIdAsWord(f.labId);
    Set<String> names = new LinkedHashSet<>(f.get(ResourceKind.BUCKETS));
    f.read("buckets", () -> {
      for (Bucket b : s3.listBucketsPaginator(r -> {}).buckets()) {
        names.add(b.name());
      }
    });
    Set<String> stackBuckets = Set.copyOf(f.get(ResourceKind.BUCKETS));
    f.get(ResourceKind.BUCKETS).clear();
    for (String name : names) {
      // A bucket of the lab's own stack is the lab's even without the tag; others need the tag.
      boolean inStack = stackBuckets.contains(name);
      boolean mayBeOurs = inStack || word.matcher(name).find();
      f.check("bucket " + name, mayBeOurs, () -> inStack || buckets.ownedBy(name, f.labId), () -> {
        f.add(ResourceKind.BUCKETS, name);
        int listed = 0;
        for (ObjectVersion v : s3.listObjectVersionsPaginator(b -> b.bucket(name)).versions()) {
          if (listed++ == OBJECTS_LISTED) {
            break;
          }
          f.add(ResourceKind.OBJECTS, name + "/" + v.key() + "#" + v.versionId());
        }
      });
    }
  }

  static String reason(Throwable e) {
    if (e instanceof SdkException sdk) {
      return AwsFailures.map(sdk).getOriginalMessage();
    }
    return e.getMessage();
  }
}
