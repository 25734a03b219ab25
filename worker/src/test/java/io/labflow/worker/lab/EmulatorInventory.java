package io.labflow.worker.lab;

import io.labflow.activities.common.AwsClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

/**
 * Everything of every EC2, S3, IAM and CloudFormation kind a lab can create that exists in the
 * emulator, tagged or not, by kind: stacks not DELETE_COMPLETE; instances not terminated, VPCs,
 * subnets, internet gateways, route tables, security groups, network interfaces, volumes,
 * addresses, key pairs and instance profile associations (outside the default VPC, which moto
 * makes itself); buckets and object versions; roles, customer managed policies and their versions,
 * instance profiles and users (but the test administrator). moto is reset before each test, so
 * after a teardown or a rollback it must be empty: a resource that lost its tag, or a kind the
 * lab's own inventory forgets, still shows up here. It is independent of the code under test.
 */
final class EmulatorInventory {

  /** The user {@code MotoServer.enforceIamWithAdmin} creates for the worker. */
  private static final String TEST_ADMIN = "labflow-admin";

  private EmulatorInventory() {}

  /** Kind -> names or ids; only kinds with something in them. */
  static Map<String, List<String>> take() {
    Map<String, List<String>> found = new TreeMap<>();
    try (AwsClients aws = AwsClients.fromEnvironment()) {
      var cfn = aws.cloudFormation();
      var ec2 = aws.ec2();
      var iam = aws.iam();
      var s3 = aws.s3();
      put(found, "stacks", cfn.listStacksPaginator().stackSummaries().stream()
          .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE)
          .map(s -> s.stackName() + " " + s.stackStatusAsString()).toList());
      Set<String> defaultVpcs = ec2.describeVpcsPaginator().vpcs().stream()
          .filter(v -> Boolean.TRUE.equals(v.isDefault())).map(Vpc::vpcId)
          .collect(Collectors.toSet());
      put(found, "vpcs", ec2.describeVpcsPaginator().vpcs().stream()
          .filter(v -> !defaultVpcs.contains(v.vpcId())).map(Vpc::vpcId).toList());
      put(found, "instances", ec2.describeInstancesPaginator().reservations().stream()
          .flatMap(r -> r.instances().stream())
          .filter(i -> i.state().name() != InstanceStateName.TERMINATED)
          .map(i -> i.instanceId()).toList());
      put(found, "subnets", ec2.describeSubnetsPaginator().subnets().stream()
          .filter(s -> !defaultVpcs.contains(s.vpcId())).map(s -> s.subnetId()).toList());
      put(found, "internetGateways", ec2.describeInternetGatewaysPaginator().internetGateways()
          .stream().map(g -> g.internetGatewayId() + attachedTo(g.attachments().stream()
              .map(a -> a.vpcId()).toList())).toList());
      put(found, "routeTables", ec2.describeRouteTablesPaginator().routeTables().stream()
          .filter(t -> !defaultVpcs.contains(t.vpcId())).map(t -> t.routeTableId()).toList());
      put(found, "securityGroups", ec2.describeSecurityGroupsPaginator().securityGroups().stream()
          .filter(g -> !defaultVpcs.contains(g.vpcId())).map(g -> g.groupId()).toList());
      put(found, "networkInterfaces", ec2.describeNetworkInterfacesPaginator().networkInterfaces()
          .stream().map(n -> n.networkInterfaceId() + " " + n.statusAsString()).toList());
      put(found, "volumes", ec2.describeVolumesPaginator().volumes().stream()
          .map(v -> v.volumeId()).toList());
      put(found, "addresses", ec2.describeAddresses().addresses().stream()
          .map(a -> a.publicIp()).toList());
      put(found, "keyPairs", ec2.describeKeyPairs().keyPairs().stream()
          .map(k -> k.keyName()).toList());
      put(found, "associations", ec2.describeIamInstanceProfileAssociationsPaginator()
          .iamInstanceProfileAssociations().stream()
          .filter(a -> !"disassociated".equals(a.stateAsString()))
          .map(a -> a.instanceId() + "/" + a.associationId()).toList());
      List<String> buckets = s3.listBuckets().buckets().stream().map(b -> b.name()).toList();
      put(found, "buckets", buckets);
      List<String> objects = new ArrayList<>();
      for (String b : buckets) {
        s3.listObjectVersionsPaginator(r -> r.bucket(b)).versions()
            .forEach(v -> objects.add(b + "/" + v.key()));
      }
      put(found, "objects", objects);
      put(found, "roles", iam.listRolesPaginator().roles().stream()
          .map(r -> r.roleName()).toList());
      List<String> policyVersions = new ArrayList<>();
      List<String> policies = new ArrayList<>();
      for (var p : iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies()) {
        policies.add(p.policyName());
        iam.listPolicyVersionsPaginator(b -> b.policyArn(p.arn())).versions()
            .forEach(v -> policyVersions.add(p.policyName() + "#" + v.versionId()));
      }
      put(found, "policies", policies);
      put(found, "policyVersions", policyVersions);
      put(found, "instanceProfiles", iam.listInstanceProfilesPaginator().instanceProfiles()
          .stream().map(p -> p.instanceProfileName()).toList());
      put(found, "users", iam.listUsersPaginator().users().stream().map(u -> u.userName())
          .filter(n -> !TEST_ADMIN.equals(n)).toList());
    }
    return found;
  }

  /** Kind -> how many; only kinds with something in them. */
  static Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    take().forEach((k, v) -> counts.put(k, v.size()));
    return counts;
  }

  private static String attachedTo(List<String> vpcs) {
    return vpcs.isEmpty() ? "" : " attached to " + vpcs;
  }

  private static void put(Map<String, List<String>> found, String kind, List<String> names) {
    if (!names.isEmpty()) {
      found.put(kind, names);
    }
  }
}
