package io.labflow.activities.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kind of resource a lab's stack and steps can create, with the CloudFormation types it
 * covers. A type that only lives inside another resource (a route in its table, an attachment or
 * association of its gateway or table) maps to that resource's kind: deleting the parent removes
 * it. {@link #ofTemplateType} is how the inventory files a stack's resources, and a test checks
 * that every type of every template under {@code definitions/templates} has a kind here, so a new
 * template resource cannot silently fall outside the inventory.
 */
public enum ResourceKind {
  STACKS("stack", "AWS::CloudFormation::Stack"),
  INSTANCES("instance", "AWS::EC2::Instance"),
  VPCS("VPC", "AWS::EC2::VPC"),
  BUCKETS("bucket", "AWS::S3::Bucket"),
  ROLES("role", "AWS::IAM::Role"),
  POLICIES("policy", "AWS::IAM::ManagedPolicy"),
  INSTANCE_PROFILES("instance profile", "AWS::IAM::InstanceProfile"),
  INTERNET_GATEWAYS("internet gateway", "AWS::EC2::InternetGateway"),
  SUBNETS("subnet", "AWS::EC2::Subnet"),
  ROUTE_TABLES("route table", "AWS::EC2::RouteTable"),
  SECURITY_GROUPS("security group", "AWS::EC2::SecurityGroup"),
  NETWORK_INTERFACES("network interface", "AWS::EC2::NetworkInterface"),
  /** Instance profile associations of the lab's instances, "instance/association". */
  ASSOCIATIONS("association"),
  /** Versions of the lab's policies, "arn#version". */
  POLICY_VERSIONS("policy version"),
  /** Object versions in the lab's buckets, "bucket/key#version" (at most 100 per bucket). */
  OBJECTS("object"),
  /** Resources of a stack whose type no kind knows, as "type id (stack name)". */
  UNKNOWN("resource");

  /** Types that exist only inside a resource of another kind, with that kind. */
  private static final Map<String, ResourceKind> PARTS = Map.of(
      "AWS::EC2::VPCGatewayAttachment", INTERNET_GATEWAYS,
      "AWS::EC2::Route", ROUTE_TABLES,
      "AWS::EC2::SubnetRouteTableAssociation", ROUTE_TABLES,
      "AWS::EC2::SecurityGroupIngress", SECURITY_GROUPS,
      "AWS::EC2::SecurityGroupEgress", SECURITY_GROUPS,
      "AWS::IAM::Policy", ROLES,
      "AWS::S3::BucketPolicy", BUCKETS);

  private final String what;
  private final List<String> types;

  ResourceKind(String what, String... types) {
    this.what = what;
    this.types = List.of(types);
  }

  /** One resource of the kind in a sentence, such as {@code instance profile}. */
  public String what() {
    return what;
  }

  /** More than one resource of the kind in a sentence, such as {@code policies}. */
  public String plural() {
    return what.endsWith("y") ? what.substring(0, what.length() - 1) + "ies" : what + "s";
  }

  /** The kind's name in JSON, such as {@code instanceProfiles}. */
  public String key() {
    StringBuilder key = new StringBuilder();
    for (String word : name().toLowerCase(java.util.Locale.ROOT).split("_")) {
      key.append(key.length() == 0 ? word
          : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return key.toString();
  }

  /** The kind a resource of this CloudFormation type belongs to, if any kind knows it. */
  public static Optional<ResourceKind> ofTemplateType(String type) {
    return Arrays.stream(values()).filter(k -> k.types.contains(type)).findFirst()
        .or(() -> Optional.ofNullable(PARTS.get(type)));
  }

  /**
   * Whether a resource of this type has its own physical id in the kind's list (false for parts,
   * whose physical ids are their parent's or made up, like {@code rtb-1~0.0.0.0/0}).
   */
  public static boolean isOwnResource(String type) {
    return Arrays.stream(values()).anyMatch(k -> k.types.contains(type));
  }
}
