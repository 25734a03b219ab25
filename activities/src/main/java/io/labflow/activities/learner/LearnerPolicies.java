package io.labflow.activities.learner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.common.Tags;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.workflows.lab.LabIds;
import java.util.List;
import java.util.Map;

/**
 * The learner's policies. The learner role may do the tutorial's IAM actions only on the lab's
 * names: role and instance profile {@code labflow-L-role} (the IAM console names the profile it
 * makes for an EC2 role like the role), policy {@code labflow-L-s3}; every role it creates must
 * carry the boundary, which allows at most List/Get/Put on the lab's bucket; it may
 * pass only the lab's role, only to EC2, and put a profile only on an instance tagged as the lab's.
 * The lab's policy is attached only to the lab's role carrying the boundary, so a role of the lab's
 * name made before the lab (without it) gains nothing. It may list the account's roles, policies
 * and instance profiles (the console's lists; IAM scopes none of them), and read only the lab's;
 * it may describe EC2 but read no user data except its lab instance's.
 */
final class LearnerPolicies {

  /** What any role the learner creates may do at most: the tutorial's S3 actions on the bucket. */
  static final List<String> BOUNDARY_ACTIONS =
      List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject");

  /** The longest session of the learner role: a working day. */
  static final int MAX_SESSION_SECONDS = 12 * 60 * 60;

  private LearnerPolicies() {}

  /**
   * The learner role's policy.
   *
   * @param iamPrefix {@code arn:aws:iam::ACCOUNT}
   * @param boundaryArn the boundary every role the learner creates must carry
   * @param instanceId the lab's instance (which must also carry the lab's tag); null: any so tagged
   */
  static String learner(
      String labId, String iamPrefix, String boundaryArn, String instanceId) {
    String name = LabIds.NAME_PREFIX + labId;
    String role = iamPrefix + ":role/" + name + "-role";
    String policy = iamPrefix + ":policy/" + name + "-s3";
    String profile = iamPrefix + ":instance-profile/" + name + "-role";
    return PolicyDocuments.document(List.of(
        allow("CreateLabRoleWithBoundary", List.of("iam:CreateRole"), List.of(role),
            Map.of("StringEquals", Map.of("iam:PermissionsBoundary", boundaryArn))),
        allow("LabRole", List.of("iam:GetRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy",
            "iam:TagRole", "iam:ListRoleTags", "iam:ListAttachedRolePolicies",
            "iam:ListRolePolicies", "iam:ListInstanceProfilesForRole",
            "iam:SimulatePrincipalPolicy"), List.of(role), null),
        allow("AttachOnlyLabPolicy", List.of("iam:AttachRolePolicy", "iam:DetachRolePolicy"),
            List.of(role), Map.of("ArnEquals", Map.of("iam:PolicyARN", policy),
                "StringEquals", Map.of("iam:PermissionsBoundary", boundaryArn))),
        allow("LabPolicy", List.of("iam:CreatePolicy", "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy",
            "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions",
            "iam:ListEntitiesForPolicy", "iam:TagPolicy", "iam:ListPolicyTags"),
            List.of(policy), null),
        allow("LabInstanceProfile", List.of("iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
            "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:TagInstanceProfile",
            "iam:ListInstanceProfileTags"), List.of(profile), null),
        allow("PassLabRoleToEc2Only", List.of("iam:PassRole"), List.of(role),
            Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))),
        allow("ProfileOnLabInstancesOnly", List.of("ec2:AssociateIamInstanceProfile",
            "ec2:ReplaceIamInstanceProfileAssociation", "ec2:DisassociateIamInstanceProfile"),
            List.of("arn:aws:ec2:*:*:instance/" + (instanceId == null ? "*" : instanceId)),
            Map.of("StringEquals", Map.of("aws:ResourceTag/" + Tags.LAB_TAG, labId))),
        allow("DescribeEc2", List.of("ec2:Describe*"), List.of("*"), null),
        // The console's lists: the role wizard's policies (permissions, boundary), the Roles
        // page, the instance profiles of EC2's "Modify IAM role". They take no resource.
        allow("ConsoleLists", List.of("iam:ListInstanceProfiles", "iam:ListPolicies",
            "iam:ListRoles"), List.of("*"), null),
        // User data often holds secrets, and Describe* shows every instance's, launch template's
        // and spot request's: the learner reads its lab instance's only.
        deny("OnlyTheLabInstancesUserData", List.of("ec2:DescribeInstanceAttribute"),
            Map.of("StringNotEquals", Map.of("aws:ResourceTag/" + Tags.LAB_TAG, labId))),
        deny("NoLaunchSpecifications", List.of("ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeSpotInstanceRequests", "ec2:DescribeSpotFleetRequests"), null),
        deny("KeepTheBoundary", List.of("iam:DeleteRolePermissionsBoundary"), null),
        // labflow's tags say which lab may adopt and delete a resource: a learner who wrote them
        // could hand a role to another lab, whose teardown refuses it, or keep it from both.
        deny("NoLabflowTags", List.of("iam:CreateRole", "iam:CreatePolicy",
            "iam:CreateInstanceProfile", "iam:TagRole", "iam:TagPolicy", "iam:TagInstanceProfile"),
            Map.of("ForAnyValue:StringLike", Map.of("aws:TagKeys", Tags.KEY_PREFIX + "*"))),
        deny("NoOtherBoundary", List.of("iam:PutRolePermissionsBoundary"),
            Map.of("StringNotEquals", Map.of("iam:PermissionsBoundary", boundaryArn)))), false);
  }

  private static ObjectNode allow(
      String sid, List<String> actions, List<String> resources, Map<String, Object> condition) {
    return PolicyDocuments.statement(sid, "Allow", actions, resources, condition);
  }

  private static ObjectNode deny(String sid, List<String> actions, Map<String, Object> condition) {
    return PolicyDocuments.statement(sid, "Deny", actions, List.of("*"), condition);
  }
}
