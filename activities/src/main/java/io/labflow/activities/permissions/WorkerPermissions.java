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

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one table of what the worker's credentials are used for: every AWS operation the step
 * library (and the account guard) calls as the worker, the IAM actions each needs with their scope,
 * and the step actions that call it; and what CloudFormation does with the same credentials for
 * each resource type a template may hold. {@link WorkerPolicy} builds the policy from it; tests
 * prove it complete against the calls the activities really make.
 *
 * <p>Calls made with a lab role's temporary credentials ({@code VerifyAccess} by probe) are the
 * role's, not the worker's, and are not here.
 */
public final class WorkerPermissions {

  /** Step actions that every run needs whatever its steps: the account guard's calls. */
  public static final String EVERY_RUN = "*";

  /**
   * One IAM action and where it applies.
   *
   * @param reason why the scope is {@code "*"} (required then, null otherwise)
   * @param resourceTypes the resource types IAM authorizes the action on, exactly in a
   *     {@link PolicyScope#typed()} scope (empty otherwise)
   */
  public record Grant(String action, PolicyScope scope, String reason, List<String> resourceTypes) {
    public Grant {
      if (scope.unscoped() == (reason == null)) {
        throw new IllegalArgumentException(action + ": a reason is required exactly for \"*\"");
      }
      resourceTypes = List.copyOf(resourceTypes);
      if (scope.typed() == resourceTypes.isEmpty()) {
        throw new IllegalArgumentException(action + ": resource types are required exactly in "
            + scope.sid());
      }
    }
  }

  /**
   * One AWS operation as the SDK names it ({@code Iam.CreateRole}).
   *
   * @param usedBy the step actions (activity types) that call it, or {@link #EVERY_RUN}
   */
  public record Operation(String name, List<Grant> grants, Set<String> usedBy) {}

  private static final String DESCRIBE =
      "EC2 Describe* actions support no resource-level permissions";
  /** The learner-access actions, which call the create and delete steps' code. */
  private static final String LEARNER_ACCESS = " CreateLearnerAccess DeleteLearnerAccess";
  private static final String LIST_ALL =
      "the lab inventory lists every resource of the kind to find those carrying the lab tag;"
          + " the List action has no resource type";

  private static final String TRUSTED_PRINCIPAL =
      "the preflight reads (never changes) the user or role a lab's role is to trust"
          + " (trustedPrincipalArn), any in the account, to refuse one that does not exist or is"
          + " another lab's; GetRole and GetUser apply to roles and users only";

  /**
   * The table, by what the operations are for; an operation's IAM action is its own name. An
   * operation used for several purposes may have a row in each.
   */
  public static final List<Operation> OPERATIONS =
      Stream.of(
          // The account guard, on every run.
          unscoped(EVERY_RUN, "GetCallerIdentity has no resource type (AWS allows it even without"
              + " permission)", "Sts.GetCallerIdentity"),
          unscoped(EVERY_RUN, "ListAccountAliases has no resource type", "Iam.ListAccountAliases"),
          // Roles. Learner access goes through the create and delete steps' code: its boundary
          // through CreatePolicy's, the learner role through CreateRole's; its compensation deletes
          // the learner role, takes what the learner made under the lab's names (tags it) and
          // deletes it through the delete steps' code, then the boundary.
          op("Iam.GetRole", "CreateRole DeleteRole AttachRolePolicy DetachRolePolicy"
              + " CreateInstanceProfile VerifyAccess DeleteLabResources",
              g("iam:GetRole", ROLE), any("iam:GetRole", TRUSTED_PRINCIPAL)),
          unscoped("CreateRole", TRUSTED_PRINCIPAL, "Iam.GetUser"),
          same(ROLE, "CreateRole DeleteRole AttachRolePolicy DetachRolePolicy CreateInstanceProfile"
              + " ListLabResources DeleteLabResources AdoptRole" + LEARNER_ACCESS, "Iam.ListRoleTags"),
          op("Iam.CreateRole", "CreateRole CreateLearnerAccess",
              g("iam:CreateRole", ROLE_CREATE), g("iam:TagRole", ROLE_CREATE)),
          same(ROLE_OWNED, "CreateRole CreateLearnerAccess", "Iam.UpdateAssumeRolePolicy"),
          same(ROLE, "DeleteRole DeleteLabResources DeleteLearnerAccess",
              "Iam.ListInstanceProfilesForRole", "Iam.ListRolePolicies"),
          same(ROLE, "DeleteRole AttachRolePolicy DeleteLabResources CheckPolicyAttached"
              + LEARNER_ACCESS, "Iam.ListAttachedRolePolicies"),
          op("Iam.DetachRolePolicy", "DeleteRole DetachRolePolicy DeletePolicy DeleteLabResources"
              + " DeleteLearnerAccess",
              g("iam:DetachRolePolicy", ROLE_OWNED), g("iam:DetachRolePolicy", DETACH_LAB_POLICIES)),
          same(ROLE_OWNED, "DeleteRole DeleteLabResources DeleteLearnerAccess",
              "Iam.DeleteRolePolicy", "Iam.DeleteRole"),
          same(ROLE_ATTACH, "AttachRolePolicy CreateLearnerAccess", "Iam.AttachRolePolicy"),
          // Policies.
          same(POLICY, "CreatePolicy CreatePolicyVersion DeletePolicy DeleteLabResources"
              + LEARNER_ACCESS, "Iam.GetPolicy", "Iam.ListPolicyVersions"),
          same(POLICY, "CreatePolicy CreatePolicyVersion DeletePolicy ListLabResources"
              + " DeleteLabResources AdoptPolicy" + LEARNER_ACCESS, "Iam.ListPolicyTags"),
          op("Iam.CreatePolicy", "CreatePolicy CreateLearnerAccess",
              g("iam:CreatePolicy", POLICY_CREATE), g("iam:TagPolicy", POLICY_CREATE)),
          same(POLICY, "CreatePolicy CreatePolicyVersion CheckPolicyScope CreateLearnerAccess",
              "Iam.GetPolicyVersion"),
          same(POLICY_OWNED, "CreatePolicy CreatePolicyVersion DeletePolicy DeleteLabResources"
              + LEARNER_ACCESS, "Iam.DeletePolicyVersion"),
          same(POLICY_OWNED, "CreatePolicy CreatePolicyVersion CreateLearnerAccess",
              "Iam.CreatePolicyVersion"),
          same(POLICY, "DeletePolicy DeleteLabResources DeleteLearnerAccess",
              "Iam.ListEntitiesForPolicy"),
          same(DETACH_LAB_POLICIES, "DeletePolicy DeleteLabResources DeleteLearnerAccess",
              "Iam.DetachUserPolicy", "Iam.DetachGroupPolicy"),
          same(POLICY_OWNED, "DeletePolicy DeleteLabResources DeleteLearnerAccess", "Iam.DeletePolicy"),
          // Instance profiles.
          same(PROFILE, "CreateInstanceProfile DeleteInstanceProfile DeleteRole"
              + " AssociateInstanceProfile ListLabResources DeleteLabResources CheckInstanceProfile"
              + " CheckProfileOnInstance AdoptInstanceProfile DeleteLearnerAccess",
              "Iam.GetInstanceProfile"),
          op("Iam.CreateInstanceProfile", "CreateInstanceProfile",
              g("iam:CreateInstanceProfile", PROFILE_CREATE), g("iam:TagInstanceProfile", PROFILE_CREATE)),
          op("Iam.AddRoleToInstanceProfile", "CreateInstanceProfile",
              g("iam:AddRoleToInstanceProfile", PROFILE_OWNED), g("iam:PassRole", PASS_ROLE_TO_EC2)),
          same(PROFILE_OWNED, "CreateInstanceProfile DeleteInstanceProfile DeleteRole"
              + " DeleteLabResources DeleteLearnerAccess", "Iam.RemoveRoleFromInstanceProfile"),
          same(PROFILE_OWNED, "DeleteInstanceProfile DeleteLabResources DeleteLearnerAccess",
              "Iam.DeleteInstanceProfile"),
          // Learner mode: the checks read the learner's resources; adopting one tags it with the
          // lab's tags, which are in the request as in a create.
          same(ROLE, "CheckRoleTrust CheckRoleBoundary CheckPolicyAttached CheckAccess AdoptRole"
              + LEARNER_ACCESS, "Iam.GetRole"),
          same(POLICY, "CheckPolicyScope AdoptPolicy", "Iam.GetPolicy"),
          same(ROLE_CREATE, "AdoptRole DeleteLearnerAccess", "Iam.TagRole"),
          same(POLICY_CREATE, "AdoptPolicy DeleteLearnerAccess", "Iam.TagPolicy"),
          same(PROFILE_CREATE, "AdoptInstanceProfile DeleteLearnerAccess", "Iam.TagInstanceProfile"),
          // The inventory of the sweep.
          unscoped("ListLabResources DeleteLabResources", LIST_ALL,
              "Iam.ListRoles", "Iam.ListPolicies", "Iam.ListInstanceProfiles"),
          unscoped("ListLabResources DeleteLabResources", DESCRIBE, "Ec2.DescribeVpcs",
              "Ec2.DescribeSubnets", "Ec2.DescribeInternetGateways", "Ec2.DescribeRouteTables",
              "Ec2.DescribeSecurityGroups", "Ec2.DescribeNetworkInterfaces"),
          unscoped("ListLabResources DeleteLabResources", "ListStacks has no resource type; the"
              + " inventory reads the summaries to find the lab's stacks by name, then describes"
              + " each by name", "CloudFormation.ListStacks"),
          // The sweep: a half-deleted stack's tagged EC2 leftovers, in dependency order, each on
          // the resource types IAM authorizes it on (the Service Authorization Reference's).
          tagged("Ec2.TerminateInstances", "instance"),
          tagged("Ec2.DeleteNetworkInterface", "network-interface"),
          tagged("Ec2.DisassociateRouteTable", "route-table", "subnet"),
          tagged("Ec2.DeleteRouteTable", "route-table"),
          tagged("Ec2.DetachInternetGateway", "internet-gateway", "vpc"),
          tagged("Ec2.DeleteInternetGateway", "internet-gateway"),
          tagged("Ec2.RevokeSecurityGroupIngress", "security-group"),
          tagged("Ec2.RevokeSecurityGroupEgress", "security-group"),
          tagged("Ec2.DeleteSecurityGroup", "security-group"),
          tagged("Ec2.DeleteSubnet", "subnet"),
          tagged("Ec2.DeleteVpc", "vpc"),
          op("S3.ListBuckets", "CreateStack ListLabResources DeleteLabResources",
              any("s3:ListAllMyBuckets", "ListBuckets (s3:ListAllMyBuckets) has no resource type")),
          // EC2: the instance profile on the lab's instance.
          unscoped("AssociateInstanceProfile DisassociateInstanceProfile ListLabResources"
              + " DeleteLabResources DeleteLearnerAccess", DESCRIBE, "Ec2.DescribeInstances"),
          unscoped("AssociateInstanceProfile DisassociateInstanceProfile DeleteLabResources"
              + " CheckProfileOnInstance DeleteLearnerAccess", DESCRIBE,
              "Ec2.DescribeIamInstanceProfileAssociations"),
          op("Ec2.AssociateIamInstanceProfile", "AssociateInstanceProfile",
              g("ec2:AssociateIamInstanceProfile", LAB_INSTANCE), g("iam:PassRole", PASS_ROLE_TO_EC2)),
          op("Ec2.ReplaceIamInstanceProfileAssociation", "AssociateInstanceProfile",
              g("ec2:ReplaceIamInstanceProfileAssociation", LAB_INSTANCE),
              g("iam:PassRole", PASS_ROLE_TO_EC2)),
          same(LAB_INSTANCE, "DisassociateInstanceProfile DeleteLabResources DeleteLearnerAccess",
              "Ec2.DisassociateIamInstanceProfile"),
          // The preflight: the instance types a stack launches are offered in the region.
          unscoped("CreateStack", DESCRIBE, "Ec2.DescribeInstanceTypeOfferings"),
          // The preflight and a fleet night: the quotas the lab's resources count against, and their
          // usage (DescribeVpcs and DescribeInternetGateways are the inventory's, above).
          unscoped("CreateStack CreateRole CreatePolicy CreateInstanceProfile", "Service Quotas"
              + " quotas have no resource-level permissions for reading", "ServiceQuotas.GetServiceQuota"),
          unscoped("CreateRole CreatePolicy CreateInstanceProfile", "GetAccountSummary has no"
              + " resource type", "Iam.GetAccountSummary"),
          // CloudFormation.
          unscoped("CreateStack DeleteStack ListLabResources DeleteLabResources", "the lab inventory"
              + " describes every stack (no stack name) to find those carrying the lab tag, which"
              + " needs \"*\"; the named calls alone could be scoped", "CloudFormation.DescribeStacks"),
          op("CloudFormation.CreateStack", "CreateStack",
              g("cloudformation:CreateStack", STACK_CREATE), g("cloudformation:TagResource", STACK_CREATE)),
          same(STACK, "CreateStack DeleteStack DeleteLabResources", "CloudFormation.DescribeStackEvents"),
          same(STACK, "DeleteStack DeleteLabResources", "CloudFormation.ListStackResources"),
          same(STACK_OWNED, "DeleteStack DeleteLabResources", "CloudFormation.DeleteStack"),
          // S3: lab buckets and the probe's objects.
          same(BUCKET, "CreateStack DeleteStack VerifyAccess ListLabResources DeleteLabResources",
              "S3.GetBucketTagging"),
          op("S3.ListObjectVersions", "DeleteStack DeleteLabResources",
              g("s3:ListBucketVersions", BUCKET)),
          op("S3.DeleteObjects", "DeleteStack DeleteLabResources",
              g("s3:DeleteObject", OBJECTS), g("s3:DeleteObjectVersion", OBJECTS)),
          same(BUCKET, "DeleteLabResources", "S3.DeleteBucket"),
          same(OBJECTS, "VerifyAccess", "S3.PutObject", "S3.DeleteObject"),
          // Verification.
          same(ROLE, "VerifyAccess", "Sts.AssumeRole"),
          same(ROLE, "VerifyAccess CheckAccess", "Iam.SimulatePrincipalPolicy"))
          .flatMap(List::stream).toList();

  private WorkerPermissions() {}

  /** One operation with its own grants. */
  private static List<Operation> op(String name, String usedBy, Grant... grants) {
    return List.of(new Operation(name, List.of(grants), Set.of(usedBy.split(" "))));
  }

  /** Operations whose IAM action is their name, on this scope, used by the same step actions. */
  private static List<Operation> same(PolicyScope scope, String usedBy, String... names) {
    return Arrays.stream(names).flatMap(n -> op(n, usedBy, g(action(n), scope)).stream()).toList();
  }

  /** A sweep's delete of EC2 resources of these types that carry the lab tag. */
  private static List<Operation> tagged(String name, String... resourceTypes) {
    return op(name, WorkerPolicy.SWEEP,
        new Grant(action(name), LAB_TAGGED_EC2, null, List.of(resourceTypes)));
  }

  /** The same on {@code "*"}, for this reason. */
  private static List<Operation> unscoped(String usedBy, String reason, String... names) {
    return Arrays.stream(names)
        .flatMap(n -> op(n, usedBy, any(action(n), reason)).stream()).toList();
  }

  /** {@code Iam.CreateRole} is {@code iam:CreateRole}. */
  private static String action(String operation) {
    int dot = operation.indexOf('.');
    return operation.substring(0, dot).toLowerCase(Locale.ROOT) + ":" + operation.substring(dot + 1);
  }

  private static Grant g(String action, PolicyScope scope) {
    return new Grant(action, scope, null, List.of());
  }

  private static Grant any(String action, String reason) {
    return new Grant(action, ANY, reason, List.of());
  }
}
