package io.labflow.activities.permissions;

import io.labflow.activities.common.Tags;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a permission of the worker applies: the resources, as ARN patterns over the lab name
 * prefixes, and the condition. {@code "*"} appears only in the scopes that carry a reason: the
 * actions the service authorization reference gives no resource type to (or that labflow calls
 * without one), each said why.
 */
public enum PolicyScope {
  ROLE("LabRoles", Arn.ROLE),
  ROLE_CREATE("CreateLabRoles", When.REQUEST_TAG, Arn.ROLE),
  ROLE_OWNED("ChangeLabTaggedRoles", When.RESOURCE_TAG, Arn.ROLE),
  ROLE_ATTACH("AttachOnlyLabPoliciesToLabRoles", When.RESOURCE_TAG_AND_LAB_POLICY, Arn.ROLE),
  PASS_ROLE_TO_EC2("PassLabRolesToEc2Only",
      Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")), Arn.ROLE),
  POLICY("LabPolicies", Arn.POLICY),
  POLICY_CREATE("CreateLabPolicies", When.REQUEST_TAG, Arn.POLICY),
  POLICY_OWNED("ChangeLabTaggedPolicies", When.RESOURCE_TAG, Arn.POLICY),
  /** A lab policy is detached from whoever holds it before it is deleted. */
  DETACH_LAB_POLICIES(
      "DetachLabPoliciesFromAnyPrincipal",
      When.LAB_POLICY,
      "arn:aws:iam::{account}:role/*",
      "arn:aws:iam::{account}:user/*",
      "arn:aws:iam::{account}:group/*"),
  PROFILE("LabInstanceProfiles", Arn.PROFILE),
  PROFILE_CREATE("CreateLabInstanceProfiles", When.REQUEST_TAG, Arn.PROFILE),
  PROFILE_OWNED("ChangeLabTaggedInstanceProfiles", When.RESOURCE_TAG, Arn.PROFILE),
  STACK("LabStacks", Arn.STACK),
  STACK_CREATE("CreateLabStacks", When.REQUEST_TAG, Arn.STACK),
  STACK_OWNED("DeleteLabTaggedStacks", When.RESOURCE_TAG, Arn.STACK),
  LAB_INSTANCE(
      "LabTaggedInstances", When.RESOURCE_TAG, "arn:aws:ec2:{region}:{account}:instance/*"),
  /**
   * EC2 resources the sweep deletes outside a stack (leftovers of a half-deleted stack): any id,
   * but only while it carries the lab tag, and only of the resource types IAM authorizes each
   * action on (one statement per set of types, named after them).
   */
  LAB_TAGGED_EC2(
      "DeleteLabTaggedEc2", When.RESOURCE_TAG, "arn:aws:ec2:{region}:{account}:{type}/*"),
  BUCKET("LabBuckets", Arn.BUCKET),
  OBJECTS("LabBucketObjects", "arn:aws:s3:::{bucket}*/*"),
  /** What CloudFormation creates in a lab bucket with the worker's credentials. */
  STACK_BUCKET("LabBucketsThroughCloudFormation", When.THROUGH_CLOUDFORMATION, Arn.BUCKET),
  /**
   * The public Amazon Linux image parameter a template resolves at stack creation. Its ARN has no
   * account; {@code *} matches that (and no account can create a parameter under {@code /aws}).
   */
  STACK_AMI_PARAMETER(
      "PublicAmiParameterThroughCloudFormation",
      When.THROUGH_CLOUDFORMATION,
      "arn:aws:ssm:{region}:*:parameter/aws/service/ami-amazon-linux-latest/*"),
  /**
   * What CloudFormation does in EC2 with the worker's credentials: the VPC, subnet, gateway, route
   * table, security group and instance of the template, whose ids nobody knows beforehand.
   */
  STACK_EC2("Ec2ThroughCloudFormationOnly", When.THROUGH_CLOUDFORMATION, "*"),
  /** Actions that accept no resource (or are called without one); each grant says why. */
  ANY("NoResourceLevelPermissions", "*");

  /** The ARN patterns several scopes share (an enum's own constants cannot be named in its constants). */
  private static final class Arn {
    static final String ROLE = "arn:aws:iam::{account}:role/{name}*";
    static final String POLICY = "arn:aws:iam::{account}:policy/{name}*";
    static final String PROFILE = "arn:aws:iam::{account}:instance-profile/{name}*";
    static final String STACK = "arn:aws:cloudformation:{region}:{account}:stack/{name}*/*";
    static final String BUCKET = "arn:aws:s3:::{bucket}*";
  }

  /** The conditions of the scopes; a value may be an ARN pattern ({@code LAB_POLICY}). */
  private static final class When {
    static final Map<String, Map<String, String>> REQUEST_TAG =
        Map.of("Null", Map.of("aws:RequestTag/" + Tags.LAB_TAG, "false"));
    static final Map<String, Map<String, String>> RESOURCE_TAG =
        Map.of("Null", Map.of("aws:ResourceTag/" + Tags.LAB_TAG, "false"));
    static final Map<String, Map<String, String>> LAB_POLICY =
        Map.of("ArnLike", Map.of("iam:PolicyARN", Arn.POLICY));
    static final Map<String, Map<String, String>> RESOURCE_TAG_AND_LAB_POLICY =
        Map.of("Null", RESOURCE_TAG.get("Null"), "ArnLike", LAB_POLICY.get("ArnLike"));
    static final Map<String, Map<String, String>> THROUGH_CLOUDFORMATION =
        Map.of("ForAnyValue:StringEquals", Map.of("aws:CalledVia", "cloudformation.amazonaws.com"));
  }

  private final String sid;
  private final Map<String, Map<String, String>> condition;
  private final List<String> resources;

  PolicyScope(String sid, String... resources) {
    this(sid, Map.of(), resources);
  }

  PolicyScope(String sid, Map<String, Map<String, String>> condition, String... resources) {
    this.sid = sid;
    this.condition = condition;
    this.resources = List.of(resources);
  }

  public String sid() {
    return sid;
  }

  /** Whether each grant of this scope names the resource types it applies to. */
  public boolean typed() {
    return resources.stream().anyMatch(r -> r.contains("{type}"));
  }

  /** Whether this scope's resource is {@code "*"}: every grant in it must give a reason. */
  public boolean unscoped() {
    return resources.equals(List.of("*"));
  }

  /** The resource ARNs for these names and, in a {@link #typed()} scope, resource types. */
  List<String> resources(Names n, List<String> types) {
    return resources.stream()
        .flatMap(r -> typed() ? types.stream().map(t -> r.replace("{type}", t)) : Stream.of(r))
        .map(n::expand)
        .toList();
  }

  /** The statement's condition for these names, in order; empty when none. */
  Map<String, Map<String, String>> condition(Names n) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    condition.forEach((op, test) -> test.forEach((key, value) ->
        out.computeIfAbsent(op, k -> new TreeMap<>()).put(key, n.expand(value))));
    return out;
  }

  /**
   * What the ARN patterns are filled with.
   *
   * @param account the account id, or {@code *}
   * @param region the region, or {@code *}
   * @param name the prefix of every role, policy, instance profile and stack name
   * @param bucket the prefix of every bucket name
   */
  public record Names(String account, String region, String name, String bucket) {
    public Names {
      for (String s : Arrays.asList(account, region, name, bucket)) {
        if (s == null || s.isBlank() || s.contains("\"")) {
          throw new IllegalArgumentException("policy names need an account, region and prefixes: " + s);
        }
      }
    }

    String expand(String pattern) {
      return pattern.replace("{account}", account).replace("{region}", region)
          .replace("{name}", name).replace("{bucket}", bucket);
    }
  }
}
