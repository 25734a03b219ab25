package io.labflow.activities.permissions;

import static io.labflow.activities.permissions.PolicyScope.ANY;
import static io.labflow.activities.permissions.PolicyScope.BUCKET;
import static io.labflow.activities.permissions.PolicyScope.DETACH_LAB_POLICIES;
import static io.labflow.activities.permissions.PolicyScope.LAB_INSTANCE;
import static io.labflow.activities.permissions.PolicyScope.LAB_TAGGED_EC2;
import static io.labflow.activities.permissions.PolicyScope.OBJECTS;
import static io.labflow.activities.permissions.PolicyScope.PASS_ROLE_TO_EC2;
import static io.labflow.activities.permissions.PolicyScope.POLICY;
import static io.labflow.activities.permissions.PolicyScope.POLICY_CREATE;
import static io.labflow.activities.permissions.PolicyScope.POLICY_OWNED;
import static io.labflow.activities.permissions.PolicyScope.PROFILE;
import static io.labflow.activities.permissions.PolicyScope.PROFILE_CREATE;
import static io.labflow.activities.permissions.PolicyScope.PROFILE_OWNED;
import static io.labflow.activities.permissions.PolicyScope.ROLE;
import static io.labflow.activities.permissions.PolicyScope.ROLE_ATTACH;
import static io.labflow.activities.permissions.PolicyScope.ROLE_CREATE;
import static io.labflow.activities.permissions.PolicyScope.ROLE_OWNED;
import static io.labflow.activities.permissions.PolicyScope.STACK;
import static io.labflow.activities.permissions.PolicyScope.STACK_CREATE;
import static io.labflow.activities.permissions.PolicyScope.STACK_OWNED;
import static io.labflow.activities.permissions.WorkerPermissions.DESCRIBE;
import static io.labflow.activities.permissions.WorkerPermissions.g;
import static io.labflow.activities.permissions.WorkerPermissions.op;
import static io.labflow.activities.permissions.WorkerPermissions.same;
import static io.labflow.activities.permissions.WorkerPermissions.unscoped;

import io.labflow.activities.permissions.WorkerPermissions.Operation;
import java.util.List;

/**
 * Learner mode's rows of {@link WorkerPermissions}' table: what the check, adopt and learner-access
 * actions call with the worker's credentials. An operation that other steps call too has a row
 * there as well; {@link WorkerPermissions#operation} merges them.
 */
final class LearnerPermissions {

  static final List<Operation> ROWS =
      WorkerPermissions.table(
          // Learner mode: the checks read the learner's resources; adopting one tags it with the
          // lab's tags, which are in the request as in a create.
          same(ROLE, "CheckRoleTrust CheckRoleBoundary CheckPolicyAttached CheckAccess AdoptRole",
              "Iam.GetRole"),
          same(ROLE, "CheckPolicyAttached", "Iam.ListAttachedRolePolicies"),
          same(ROLE, "CheckAccess", "Iam.SimulatePrincipalPolicy"),
          same(ROLE, "AdoptRole", "Iam.ListRoleTags"),
          same(POLICY, "CheckPolicyScope AdoptPolicy", "Iam.GetPolicy"),
          same(POLICY, "CheckPolicyScope", "Iam.GetPolicyVersion"),
          same(POLICY, "AdoptPolicy", "Iam.ListPolicyTags"),
          same(PROFILE, "CheckInstanceProfile AdoptInstanceProfile", "Iam.GetInstanceProfile"),
          unscoped("CheckProfileOnInstance", DESCRIBE, "Ec2.DescribeIamInstanceProfileAssociations"),
          same(ROLE_CREATE, "AdoptRole", "Iam.TagRole"),
          same(POLICY_CREATE, "AdoptPolicy", "Iam.TagPolicy"),
          same(PROFILE_CREATE, "AdoptInstanceProfile", "Iam.TagInstanceProfile"),
          // Learner access: the boundary through CreatePolicy's code and the learner role; its
          // compensation deletes the learner role, takes what the learner made under the lab's
          // names (tags it) and deletes it through the delete steps' code, then the boundary.
          same(POLICY, "CreateLearnerAccess DeleteLearnerAccess", "Iam.GetPolicy", "Iam.ListPolicyTags",
              "Iam.ListPolicyVersions"),
          same(POLICY, "CreateLearnerAccess", "Iam.GetPolicyVersion"),
          op("Iam.CreatePolicy", "CreateLearnerAccess",
              g("iam:CreatePolicy", POLICY_CREATE), g("iam:TagPolicy", POLICY_CREATE)),
          same(POLICY_OWNED, "CreateLearnerAccess", "Iam.CreatePolicyVersion"),
          same(POLICY_OWNED, "CreateLearnerAccess DeleteLearnerAccess", "Iam.DeletePolicyVersion"),
          same(ROLE, "CreateLearnerAccess DeleteLearnerAccess", "Iam.GetRole", "Iam.ListRoleTags"),
          op("Iam.CreateRole", "CreateLearnerAccess",
              g("iam:CreateRole", ROLE_CREATE), g("iam:TagRole", ROLE_CREATE)),
          same(ROLE_OWNED, "CreateLearnerAccess", "Iam.UpdateAssumeRolePolicy"),
          same(ROLE_ATTACH, "CreateLearnerAccess", "Iam.AttachRolePolicy"),
          same(ROLE_CREATE, "DeleteLearnerAccess", "Iam.TagRole"),
          same(POLICY_CREATE, "DeleteLearnerAccess", "Iam.TagPolicy"),
          same(PROFILE_CREATE, "DeleteLearnerAccess", "Iam.TagInstanceProfile"),
          same(ROLE, "DeleteLearnerAccess", "Iam.ListInstanceProfilesForRole",
              "Iam.ListRolePolicies"),
          same(ROLE, "CreateLearnerAccess DeleteLearnerAccess", "Iam.ListAttachedRolePolicies"),
          op("Iam.DetachRolePolicy", "DeleteLearnerAccess",
              g("iam:DetachRolePolicy", ROLE_OWNED), g("iam:DetachRolePolicy", DETACH_LAB_POLICIES)),
          same(ROLE_OWNED, "DeleteLearnerAccess", "Iam.DeleteRolePolicy", "Iam.DeleteRole"),
          same(POLICY, "DeleteLearnerAccess", "Iam.ListEntitiesForPolicy"),
          same(DETACH_LAB_POLICIES, "DeleteLearnerAccess",
              "Iam.DetachUserPolicy", "Iam.DetachGroupPolicy"),
          same(POLICY_OWNED, "DeleteLearnerAccess", "Iam.DeletePolicy"),
          same(PROFILE, "DeleteLearnerAccess", "Iam.GetInstanceProfile"),
          same(PROFILE_OWNED, "DeleteLearnerAccess", "Iam.RemoveRoleFromInstanceProfile",
              "Iam.DeleteInstanceProfile"),
          unscoped("DeleteLearnerAccess", DESCRIBE, "Ec2.DescribeInstances",
              "Ec2.DescribeIamInstanceProfileAssociations"),
          same(LAB_INSTANCE, "DeleteLearnerAccess", "Ec2.DisassociateIamInstanceProfile"));

  private LearnerPermissions() {}
}
