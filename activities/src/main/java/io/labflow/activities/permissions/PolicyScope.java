package io.labflow.activities.permissions;

import io.labflow.activities.common.Tags;
import io.labflow.workflows.lab.LabIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where a permission of the worker applies: the resources, as ARN patterns over the lab name
 * prefixes, and the condition. {@code "*"} appears only in the scopes that carry a reason: the
 * actions the service authorization reference gives no resource type to (or that labflow calls
 * without one), each said why.
 */
public enum PolicyScope {
  ROLE("LabRoles", Arn.ROLE),
  ROLE_CREATE("CreateLabRoles", PolicyScope::requestTag, Arn.ROLE),
  ROLE_OWNED("ChangeLabTaggedRoles", PolicyScope::resourceTag, Arn.ROLE),
  ROLE_ATTACH(
      "AttachOnlyLabPoliciesToLabRoles",
      n -> {
        Map<String, Map<String, Object>> c = resourceTag(n);
        c.putAll(labPolicyArn(n));
        return c;
      },
      Arn.ROLE),
  PASS_ROLE_TO_EC2(
      "PassLabRolesToEc2Only",
      n -> new LinkedHashMap<>(
          Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))),
      Arn.ROLE),
  POLICY("LabPolicies", Arn.POLICY),
  POLICY_CREATE("CreateLabPolicies", PolicyScope::requestTag, Arn.POLICY),
  POLICY_OWNED("ChangeLabTaggedPolicies", PolicyScope::resourceTag, Arn.POLICY),
  /** A lab policy is detached from whoever holds it before it is deleted. */
  DETACH_LAB_POLICIES(
      "DetachLabPoliciesFromAnyPrincipal",
      PolicyScope::labPolicyArn,
      "arn:aws:iam::{account}:role/*",
      "arn:aws:iam::{account}:user/*",
      "arn:aws:iam::{account}:group/*"),
  PROFILE("LabInstanceProfiles", Arn.PROFILE),
  PROFILE_CREATE("CreateLabInstanceProfiles", PolicyScope::requestTag, Arn.PROFILE),
  PROFILE_OWNED("ChangeLabTaggedInstanceProfiles", PolicyScope::resourceTag, Arn.PROFILE),
  STACK("LabStacks", Arn.STACK),
  STACK_CREATE("CreateLabStacks", PolicyScope::requestTag, Arn.STACK),
  STACK_OWNED("DeleteLabTaggedStacks", PolicyScope::resourceTag, Arn.STACK),
  LAB_INSTANCE(
      "LabTaggedInstances", PolicyScope::resourceTag, "arn:aws:ec2:{region}:{account}:instance/*"),
  /**
   * EC2 resources the sweep deletes outside a stack (leftovers of a half-deleted stack): any id,
   * but only while it carries the lab tag, and only of the resource types IAM authorizes each
   * action on (one statement per set of types, named after them).
   */
  LAB_TAGGED_EC2(
      "DeleteLabTaggedEc2", PolicyScope::resourceTag, "arn:aws:ec2:{region}:{account}:{type}/*"),
  BUCKET("LabBuckets", Arn.BUCKET),
  OBJECTS("LabBucketObjects", "arn:aws:s3:::{bucket}*/*"),
  /** What CloudFormation creates in a lab bucket with the worker's credentials. */
  STACK_BUCKET("LabBucketsThroughCloudFormation", PolicyScope::calledViaCloudFormation, Arn.BUCKET),
  /**
   * The public Amazon Linux image parameter a template resolves at stack creation. Its ARN has no
   * account; {@code *} matches that (and no account can create a parameter under {@code /aws}).
   */
  STACK_AMI_PARAMETER(
      "PublicAmiParameterThroughCloudFormation",
      PolicyScope::calledViaCloudFormation,
      "arn:aws:ssm:{region}:*:parameter/aws/service/ami-amazon-linux-latest/*"),
  /**
   * What CloudFormation does in EC2 with the worker's credentials: the VPC, subnet, gateway, route
   * table, security group and instance of the template, whose ids nobody knows beforehand.
   */
  STACK_EC2("Ec2ThroughCloudFormationOnly", PolicyScope::calledViaCloudFormation, "*"),
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

  /** A statement's condition for these names; empty when none. */
  private interface Condition extends Function<Names, Map<String, Map<String, Object>>> {}

  private final String sid;
  private final Condition condition;
  private final List<String> resources;

  PolicyScope(String sid, String... resources) {
    this(sid, n -> new LinkedHashMap<>(), resources);
  }

  PolicyScope(String sid, Condition condition, String... resources) {
    this.sid = sid;
    this.condition = condition;
    this.resources = List.of(resources);
  }

  /** The statement id of this scope's statement. */
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

  /** The statement's condition; empty when none. */
  Map<String, Map<String, Object>> condition(Names n) {
    return condition.apply(n);
  }

  private static Map<String, Map<String, Object>> requestTag(Names n) {
    return new LinkedHashMap<>(Map.of("Null", Map.of("aws:RequestTag/" + Tags.LAB_TAG, "false")));
  }

  private static Map<String, Map<String, Object>> resourceTag(Names n) {
    return new LinkedHashMap<>(Map.of("Null", Map.of("aws:ResourceTag/" + Tags.LAB_TAG, "false")));
  }

  /** Only for the lab's own managed policies. */
  private static Map<String, Map<String, Object>> labPolicyArn(Names n) {
    return new LinkedHashMap<>(
        Map.of("ArnLike", Map.of("iam:PolicyARN", n.expand(Arn.POLICY))));
  }

  private static Map<String, Map<String, Object>> calledViaCloudFormation(Names n) {
    return new LinkedHashMap<>(Map.of("ForAnyValue:StringEquals",
        Map.of("aws:CalledVia", "cloudformation.amazonaws.com")));
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
      for (String s : List.of(account, region, name, bucket)) {
        if (s == null || s.isBlank() || s.contains("\"")) {
          throw new IllegalArgumentException("policy names need an account, region and prefixes: " + s);
        }
      }
    }

    /** The whole step library's names: any account and region, the {@code labflow-} prefix. */
    public static Names library() {
      return new Names("*", "*", LabIds.NAME_PREFIX, LabIds.NAME_PREFIX);
    }

    String expand(String pattern) {
      return pattern.replace("{account}", account).replace("{region}", region)
          .replace("{name}", name).replace("{bucket}", bucket);
    }
  }
}
