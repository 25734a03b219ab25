package io.labflow.activities.permissions;

import io.labflow.activities.common.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a permission of the worker applies: the resources, as ARN patterns over the lab name
 * prefixes, and the condition. {@code "*"} appears only in the scopes that carry a reason: the
 * actions the service authorization reference gives no resource type to (or that labflow calls
 * without one), each said why.
 */
public enum PolicyScope {
  ROLE("LabRoles", "arn:aws:iam::{account}:role/{name}*"),
  ROLE_CREATE("CreateLabRoles", "arn:aws:iam::{account}:role/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return requestTag();
    }
  },
  ROLE_OWNED("ChangeLabTaggedRoles", "arn:aws:iam::{account}:role/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  ROLE_ATTACH("AttachOnlyLabPoliciesToLabRoles", "arn:aws:iam::{account}:role/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      Map<String, Map<String, Object>> c = resourceTag();
      c.put("ArnLike", Map.of("iam:PolicyARN", n.expand("arn:aws:iam::{account}:policy/{name}*")));
      return c;
    }
  },
  PASS_ROLE_TO_EC2("PassLabRolesToEc2Only", "arn:aws:iam::{account}:role/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return new LinkedHashMap<>(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")));
    }
  },
  POLICY("LabPolicies", "arn:aws:iam::{account}:policy/{name}*"),
  POLICY_CREATE("CreateLabPolicies", "arn:aws:iam::{account}:policy/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return requestTag();
    }
  },
  POLICY_OWNED("ChangeLabTaggedPolicies", "arn:aws:iam::{account}:policy/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  /** A lab policy is detached from whoever holds it before it is deleted. */
  DETACH_LAB_POLICIES("DetachLabPoliciesFromAnyPrincipal", "arn:aws:iam::{account}:role/*",
      "arn:aws:iam::{account}:user/*", "arn:aws:iam::{account}:group/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return new LinkedHashMap<>(Map.of("ArnLike",
          Map.of("iam:PolicyARN", n.expand("arn:aws:iam::{account}:policy/{name}*"))));
    }
  },
  PROFILE("LabInstanceProfiles", "arn:aws:iam::{account}:instance-profile/{name}*"),
  PROFILE_CREATE("CreateLabInstanceProfiles", "arn:aws:iam::{account}:instance-profile/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return requestTag();
    }
  },
  PROFILE_OWNED("ChangeLabTaggedInstanceProfiles", "arn:aws:iam::{account}:instance-profile/{name}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  STACK("LabStacks", "arn:aws:cloudformation:{region}:{account}:stack/{name}*/*"),
  STACK_CREATE("CreateLabStacks", "arn:aws:cloudformation:{region}:{account}:stack/{name}*/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return requestTag();
    }
  },
  STACK_OWNED("DeleteLabTaggedStacks", "arn:aws:cloudformation:{region}:{account}:stack/{name}*/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  LAB_INSTANCE("LabTaggedInstances", "arn:aws:ec2:{region}:{account}:instance/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  /**
   * EC2 resources the sweep deletes outside a stack (leftovers of a half-deleted stack): any id,
   * but only while it carries the lab tag.
   */
  LAB_TAGGED_EC2("DeleteLabTaggedEc2Resources", "arn:aws:ec2:{region}:{account}:*/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return resourceTag();
    }
  },
  BUCKET("LabBuckets", "arn:aws:s3:::{bucket}*"),
  OBJECTS("LabBucketObjects", "arn:aws:s3:::{bucket}*/*"),
  /** What CloudFormation creates in a lab bucket with the worker's credentials. */
  STACK_BUCKET("LabBucketsThroughCloudFormation", "arn:aws:s3:::{bucket}*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return calledViaCloudFormation();
    }
  },
  /** The public Amazon Linux image parameter a template resolves at stack creation. */
  STACK_AMI_PARAMETER("PublicAmiParameterThroughCloudFormation",
      "arn:aws:ssm:{region}::parameter/aws/service/ami-amazon-linux-latest/*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return calledViaCloudFormation();
    }
  },
  /**
   * What CloudFormation does in EC2 with the worker's credentials: the VPC, subnet, gateway, route
   * table, security group and instance of the template, whose ids nobody knows beforehand.
   */
  STACK_EC2("Ec2ThroughCloudFormationOnly", "*") {
    @Override Map<String, Map<String, Object>> condition(Names n) {
      return calledViaCloudFormation();
    }
  },
  /** Actions that accept no resource (or are called without one); each grant says why. */
  ANY("NoResourceLevelPermissions", "*");

  private final String sid;
  private final List<String> resources;

  PolicyScope(String sid, String... resources) {
    this.sid = sid;
    this.resources = List.of(resources);
  }

  /** The statement id of this scope's statement. */
  public String sid() {
    return sid;
  }

  /** Whether this scope's resource is {@code "*"}: every grant in it must give a reason. */
  public boolean unscoped() {
    return resources.equals(List.of("*"));
  }

  /** The resource ARNs for these names. */
  List<String> resources(Names n) {
    return resources.stream().map(n::expand).toList();
  }

  /** The statement's condition; empty when none. */
  Map<String, Map<String, Object>> condition(Names n) {
    return new LinkedHashMap<>();
  }

  private static Map<String, Map<String, Object>> requestTag() {
    return new LinkedHashMap<>(Map.of("Null", Map.of("aws:RequestTag/" + Tags.LAB_TAG, "false")));
  }

  private static Map<String, Map<String, Object>> resourceTag() {
    return new LinkedHashMap<>(Map.of("Null", Map.of("aws:ResourceTag/" + Tags.LAB_TAG, "false")));
  }

  private static Map<String, Map<String, Object>> calledViaCloudFormation() {
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
      return new Names("*", "*", "labflow-", "labflow-");
    }

    String expand(String pattern) {
      return pattern.replace("{account}", account).replace("{region}", region)
          .replace("{name}", name).replace("{bucket}", bucket);
    }
  }
}
