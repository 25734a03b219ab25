package io.labflow.worker.lab;

import io.labflow.activities.AwsClients;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

/**
 * Everything of the kinds a lab creates that exists in the emulator, tagged or not: stacks not
 * DELETE_COMPLETE, instances not terminated, non-default VPCs, buckets, roles, customer managed
 * policies and instance profiles. moto is reset before each test, so after a teardown or a
 * rollback every list must be empty: a resource that lost its tag would still show up here.
 */
final class EmulatorInventory {

  private EmulatorInventory() {}

  /** Kind -> names or ids; only kinds with something in them. */
  static Map<String, List<String>> take() {
    Map<String, List<String>> found = new TreeMap<>();
    try (AwsClients aws = AwsClients.fromEnvironment()) {
      put(
          found,
          "stacks",
          aws.cloudFormation().describeStacksPaginator().stacks().stream()
              .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE)
              .map(Stack::stackName)
              .toList());
      put(
          found,
          "instances",
          aws.ec2().describeInstancesPaginator().reservations().stream()
              .flatMap(r -> r.instances().stream())
              .filter(i -> i.state().name() != InstanceStateName.TERMINATED)
              .map(Instance::instanceId)
              .toList());
      put(
          found,
          "vpcs",
          aws.ec2().describeVpcsPaginator().vpcs().stream()
              .filter(v -> !Boolean.TRUE.equals(v.isDefault()))
              .map(Vpc::vpcId)
              .toList());
      put(found, "buckets", aws.s3().listBuckets().buckets().stream().map(b -> b.name()).toList());
      put(
          found,
          "roles",
          aws.iam().listRolesPaginator().roles().stream().map(r -> r.roleName()).toList());
      put(
          found,
          "policies",
          aws.iam().listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies().stream()
              .map(p -> p.policyName())
              .toList());
      put(
          found,
          "instanceProfiles",
          aws.iam().listInstanceProfilesPaginator().instanceProfiles().stream()
              .map(p -> p.instanceProfileName())
              .toList());
    }
    return found;
  }

  private static void put(Map<String, List<String>> found, String kind, List<String> names) {
    if (!names.isEmpty()) {
      found.put(kind, names);
    }
  }
}
