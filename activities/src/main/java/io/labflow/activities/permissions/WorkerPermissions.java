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
import static io.labflow.activities.permissions.PolicyScope.STACK_AMI_PARAMETER;
import static io.labflow.activities.permissions.PolicyScope.STACK_BUCKET;
import static io.labflow.activities.permissions.PolicyScope.STACK_CREATE;
import static io.labflow.activities.permissions.PolicyScope.STACK_EC2;
import static io.labflow.activities.permissions.PolicyScope.STACK_OWNED;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
   */
  public record Grant(String action, PolicyScope scope, String reason) {
    public Grant {
      if (scope.unscoped() == (reason == null)) {
        throw new IllegalArgumentException(action + ": a reason is required exactly for \"*\"");
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
  private static final String LIST_ALL =
      "the lab inventory lists every resource of the kind to find those carrying the lab tag;"
          + " the List action has no resource type";

  static final List<Operation> OPERATIONS =
      List.of(
          // The account guard, on every run.
          op("Sts.GetCallerIdentity", "*", any("sts:GetCallerIdentity",
              "GetCallerIdentity has no resource type (AWS allows it even without permission)")),
          op("Iam.ListAccountAliases", "*", any("iam:ListAccountAliases",
              "ListAccountAliases has no resource type")),
          // Roles.
          op("Iam.GetRole", "CreateRole DeleteRole AttachRolePolicy DetachRolePolicy"
              + " CreateInstanceProfile VerifyAccess DeleteLabResources", g("iam:GetRole", ROLE)),
          op("Iam.ListRoleTags", "CreateRole DeleteRole AttachRolePolicy DetachRolePolicy"
              + " CreateInstanceProfile ListLabResources DeleteLabResources", g("iam:ListRoleTags", ROLE)),
          op("Iam.CreateRole", "CreateRole",
              g("iam:CreateRole", ROLE_CREATE), g("iam:TagRole", ROLE_CREATE)),
          op("Iam.UpdateAssumeRolePolicy", "CreateRole", g("iam:UpdateAssumeRolePolicy", ROLE_OWNED)),
          op("Iam.ListInstanceProfilesForRole", "DeleteRole DeleteLabResources",
              g("iam:ListInstanceProfilesForRole", ROLE)),
          op("Iam.ListAttachedRolePolicies", "DeleteRole AttachRolePolicy DeleteLabResources",
              g("iam:ListAttachedRolePolicies", ROLE)),
          op("Iam.DetachRolePolicy", "DeleteRole DetachRolePolicy DeletePolicy DeleteLabResources",
              g("iam:DetachRolePolicy", ROLE_OWNED), g("iam:DetachRolePolicy", DETACH_LAB_POLICIES)),
          op("Iam.ListRolePolicies", "DeleteRole DeleteLabResources", g("iam:ListRolePolicies", ROLE)),
          op("Iam.DeleteRolePolicy", "DeleteRole DeleteLabResources", g("iam:DeleteRolePolicy", ROLE_OWNED)),
          op("Iam.DeleteRole", "DeleteRole DeleteLabResources", g("iam:DeleteRole", ROLE_OWNED)),
          op("Iam.AttachRolePolicy", "AttachRolePolicy", g("iam:AttachRolePolicy", ROLE_ATTACH)),
          // Policies.
          op("Iam.GetPolicy", "CreatePolicy CreatePolicyVersion DeletePolicy DeleteLabResources",
              g("iam:GetPolicy", POLICY)),
          op("Iam.ListPolicyTags", "CreatePolicy CreatePolicyVersion DeletePolicy ListLabResources"
              + " DeleteLabResources", g("iam:ListPolicyTags", POLICY)),
          op("Iam.CreatePolicy", "CreatePolicy",
              g("iam:CreatePolicy", POLICY_CREATE), g("iam:TagPolicy", POLICY_CREATE)),
          op("Iam.ListPolicyVersions", "CreatePolicy CreatePolicyVersion DeletePolicy DeleteLabResources",
              g("iam:ListPolicyVersions", POLICY)),
          op("Iam.GetPolicyVersion", "CreatePolicy CreatePolicyVersion", g("iam:GetPolicyVersion", POLICY)),
          op("Iam.DeletePolicyVersion", "CreatePolicy CreatePolicyVersion DeletePolicy DeleteLabResources",
              g("iam:DeletePolicyVersion", POLICY_OWNED)),
          op("Iam.CreatePolicyVersion", "CreatePolicy CreatePolicyVersion",
              g("iam:CreatePolicyVersion", POLICY_OWNED)),
          op("Iam.ListEntitiesForPolicy", "DeletePolicy DeleteLabResources",
              g("iam:ListEntitiesForPolicy", POLICY)),
          op("Iam.DetachUserPolicy", "DeletePolicy DeleteLabResources",
              g("iam:DetachUserPolicy", DETACH_LAB_POLICIES)),
          op("Iam.DetachGroupPolicy", "DeletePolicy DeleteLabResources",
              g("iam:DetachGroupPolicy", DETACH_LAB_POLICIES)),
          op("Iam.DeletePolicy", "DeletePolicy DeleteLabResources", g("iam:DeletePolicy", POLICY_OWNED)),
          // Instance profiles.
          op("Iam.GetInstanceProfile", "CreateInstanceProfile DeleteInstanceProfile DeleteRole"
              + " AssociateInstanceProfile ListLabResources DeleteLabResources",
              g("iam:GetInstanceProfile", PROFILE)),
          op("Iam.CreateInstanceProfile", "CreateInstanceProfile",
              g("iam:CreateInstanceProfile", PROFILE_CREATE), g("iam:TagInstanceProfile", PROFILE_CREATE)),
          op("Iam.AddRoleToInstanceProfile", "CreateInstanceProfile",
              g("iam:AddRoleToInstanceProfile", PROFILE_OWNED), g("iam:PassRole", PASS_ROLE_TO_EC2)),
          op("Iam.RemoveRoleFromInstanceProfile", "CreateInstanceProfile DeleteInstanceProfile DeleteRole"
              + " DeleteLabResources", g("iam:RemoveRoleFromInstanceProfile", PROFILE_OWNED)),
          op("Iam.DeleteInstanceProfile", "DeleteInstanceProfile DeleteLabResources",
              g("iam:DeleteInstanceProfile", PROFILE_OWNED)),
          // The inventory of the sweep.
          op("Iam.ListRoles", "ListLabResources DeleteLabResources", any("iam:ListRoles", LIST_ALL)),
          op("Iam.ListPolicies", "ListLabResources DeleteLabResources", any("iam:ListPolicies", LIST_ALL)),
          op("Iam.ListInstanceProfiles", "ListLabResources DeleteLabResources",
              any("iam:ListInstanceProfiles", LIST_ALL)),
          op("Ec2.DescribeVpcs", "ListLabResources DeleteLabResources", any("ec2:DescribeVpcs", DESCRIBE)),
          op("Ec2.DescribeSubnets", "ListLabResources DeleteLabResources",
              any("ec2:DescribeSubnets", DESCRIBE)),
          op("Ec2.DescribeInternetGateways", "ListLabResources DeleteLabResources",
              any("ec2:DescribeInternetGateways", DESCRIBE)),
          op("Ec2.DescribeRouteTables", "ListLabResources DeleteLabResources",
              any("ec2:DescribeRouteTables", DESCRIBE)),
          op("Ec2.DescribeSecurityGroups", "ListLabResources DeleteLabResources",
              any("ec2:DescribeSecurityGroups", DESCRIBE)),
          op("Ec2.DescribeNetworkInterfaces", "ListLabResources DeleteLabResources",
              any("ec2:DescribeNetworkInterfaces", DESCRIBE)),
          op("CloudFormation.ListStacks", "ListLabResources DeleteLabResources",
              any("cloudformation:ListStacks", "ListStacks has no resource type; the inventory reads"
                  + " the summaries to find the lab's stacks by name, then describes each by name")),
          // The sweep: a half-deleted stack's tagged EC2 leftovers, in dependency order.
          op("Ec2.TerminateInstances", "DeleteLabResources", g("ec2:TerminateInstances", LAB_TAGGED_EC2)),
          op("Ec2.DeleteNetworkInterface", "DeleteLabResources",
              g("ec2:DeleteNetworkInterface", LAB_TAGGED_EC2)),
          op("Ec2.DisassociateRouteTable", "DeleteLabResources",
              g("ec2:DisassociateRouteTable", LAB_TAGGED_EC2)),
          op("Ec2.DeleteRouteTable", "DeleteLabResources", g("ec2:DeleteRouteTable", LAB_TAGGED_EC2)),
          op("Ec2.DetachInternetGateway", "DeleteLabResources",
              g("ec2:DetachInternetGateway", LAB_TAGGED_EC2)),
          op("Ec2.DeleteInternetGateway", "DeleteLabResources",
              g("ec2:DeleteInternetGateway", LAB_TAGGED_EC2)),
          op("Ec2.DeleteSecurityGroup", "DeleteLabResources", g("ec2:DeleteSecurityGroup", LAB_TAGGED_EC2)),
          op("Ec2.DeleteSubnet", "DeleteLabResources", g("ec2:DeleteSubnet", LAB_TAGGED_EC2)),
          op("Ec2.DeleteVpc", "DeleteLabResources", g("ec2:DeleteVpc", LAB_TAGGED_EC2)),
          op("S3.ListBuckets", "ListLabResources DeleteLabResources",
              any("s3:ListAllMyBuckets", "ListBuckets (s3:ListAllMyBuckets) has no resource type")),
          // EC2: the instance profile on the lab's instance.
          op("Ec2.DescribeInstances", "AssociateInstanceProfile DisassociateInstanceProfile"
              + " ListLabResources DeleteLabResources", any("ec2:DescribeInstances", DESCRIBE)),
          op("Ec2.DescribeIamInstanceProfileAssociations", "AssociateInstanceProfile"
              + " DisassociateInstanceProfile DeleteLabResources",
              any("ec2:DescribeIamInstanceProfileAssociations", DESCRIBE)),
          op("Ec2.AssociateIamInstanceProfile", "AssociateInstanceProfile",
              g("ec2:AssociateIamInstanceProfile", LAB_INSTANCE), g("iam:PassRole", PASS_ROLE_TO_EC2)),
          op("Ec2.ReplaceIamInstanceProfileAssociation", "AssociateInstanceProfile",
              g("ec2:ReplaceIamInstanceProfileAssociation", LAB_INSTANCE),
              g("iam:PassRole", PASS_ROLE_TO_EC2)),
          op("Ec2.DisassociateIamInstanceProfile", "DisassociateInstanceProfile DeleteLabResources",
              g("ec2:DisassociateIamInstanceProfile", LAB_INSTANCE)),
          // CloudFormation.
          op("CloudFormation.DescribeStacks", "CreateStack DeleteStack ListLabResources DeleteLabResources",
              any("cloudformation:DescribeStacks",
                  "the lab inventory describes every stack (no stack name) to find those carrying the"
                      + " lab tag, which needs \"*\"; the named calls alone could be scoped")),
          op("CloudFormation.CreateStack", "CreateStack",
              g("cloudformation:CreateStack", STACK_CREATE), g("cloudformation:TagResource", STACK_CREATE)),
          op("CloudFormation.DescribeStackEvents", "CreateStack DeleteStack DeleteLabResources",
              g("cloudformation:DescribeStackEvents", STACK)),
          op("CloudFormation.ListStackResources", "DeleteStack DeleteLabResources",
              g("cloudformation:ListStackResources", STACK)),
          op("CloudFormation.DeleteStack", "DeleteStack DeleteLabResources",
              g("cloudformation:DeleteStack", STACK_OWNED)),
          // S3: lab buckets and the probe's objects.
          op("S3.GetBucketTagging", "DeleteStack VerifyAccess ListLabResources DeleteLabResources",
              g("s3:GetBucketTagging", BUCKET)),
          op("S3.ListObjectVersions", "DeleteStack DeleteLabResources", g("s3:ListBucketVersions", BUCKET)),
          op("S3.DeleteObjects", "DeleteStack DeleteLabResources",
              g("s3:DeleteObject", OBJECTS), g("s3:DeleteObjectVersion", OBJECTS)),
          op("S3.DeleteBucket", "DeleteLabResources", g("s3:DeleteBucket", BUCKET)),
          op("S3.PutObject", "VerifyAccess", g("s3:PutObject", OBJECTS)),
          op("S3.DeleteObject", "VerifyAccess", g("s3:DeleteObject", OBJECTS)),
          // Verification.
          op("Sts.AssumeRole", "VerifyAccess", g("sts:AssumeRole", ROLE)),
          op("Iam.SimulatePrincipalPolicy", "VerifyAccess", g("iam:SimulatePrincipalPolicy", ROLE)));

  /**
   * What CloudFormation calls with the worker's credentials (no service role) to create and
   * delete each resource type, after the types' handler permissions in the CloudFormation
   * registry; granted only through CloudFormation ({@code aws:CalledVia}). A template parameter of
   * an SSM parameter type is resolved the same way.
   */
  static final Map<String, List<Grant>> STACK_RESOURCES = stackResources();

  /** The template parameter type CloudFormation resolves from SSM with the caller's credentials. */
  static final String SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value";

  private WorkerPermissions() {}

  /** Every operation of the table. */
  public static List<Operation> operations() {
    return OPERATIONS;
  }

  /** The table row of an operation ({@code Iam.CreateRole}). */
  public static Optional<Operation> operation(String name) {
    return OPERATIONS.stream().filter(o -> o.name().equals(name)).findFirst();
  }

  /** The CloudFormation resource types (and the SSM parameter type) the table knows. */
  public static Set<String> stackResourceTypes() {
    return STACK_RESOURCES.keySet();
  }

  private static Map<String, List<Grant>> stackResources() {
    Map<String, List<Grant>> m = new LinkedHashMap<>();
    m.put("AWS::EC2::VPC", ec2("CreateVpc", "DescribeVpcs", "ModifyVpcAttribute",
        "DescribeVpcAttribute", "CreateTags", "DeleteVpc"));
    m.put("AWS::EC2::Subnet", ec2("CreateSubnet", "DescribeSubnets", "ModifySubnetAttribute",
        "DescribeAvailabilityZones", "CreateTags", "DeleteSubnet"));
    m.put("AWS::EC2::InternetGateway", ec2("CreateInternetGateway", "DescribeInternetGateways",
        "CreateTags", "DeleteInternetGateway"));
    m.put("AWS::EC2::VPCGatewayAttachment", ec2("AttachInternetGateway", "DetachInternetGateway",
        "DescribeInternetGateways"));
    m.put("AWS::EC2::RouteTable", ec2("CreateRouteTable", "DescribeRouteTables", "CreateTags",
        "DeleteRouteTable"));
    m.put("AWS::EC2::Route", ec2("CreateRoute", "DeleteRoute", "DescribeRouteTables"));
    m.put("AWS::EC2::SubnetRouteTableAssociation", ec2("AssociateRouteTable",
        "DisassociateRouteTable", "DescribeRouteTables"));
    m.put("AWS::EC2::SecurityGroup", ec2("CreateSecurityGroup", "DescribeSecurityGroups",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "CreateTags",
        "DeleteSecurityGroup"));
    m.put("AWS::EC2::Instance", ec2("RunInstances", "DescribeInstances", "CreateTags",
        "TerminateInstances"));
    m.put("AWS::S3::Bucket", Arrays.stream(new String[] {"CreateBucket", "PutBucketTagging",
        "PutBucketPublicAccessBlock", "PutEncryptionConfiguration", "DeleteBucket"})
        .map(a -> g("s3:" + a, STACK_BUCKET)).toList());
    m.put(SSM_PARAMETER_TYPE, List.of(g("ssm:GetParameters", STACK_AMI_PARAMETER)));
    return m;
  }

  private static final String THROUGH_STACK =
      "CloudFormation creates and deletes the template's EC2 resources with the worker's"
          + " credentials, under ids nobody knows beforehand; allowed only through CloudFormation"
          + " (aws:CalledVia)";

  private static List<Grant> ec2(String... actions) {
    return Arrays.stream(actions).map(a -> new Grant("ec2:" + a, STACK_EC2, THROUGH_STACK)).toList();
  }

  private static Operation op(String name, String usedBy, Grant... grants) {
    return new Operation(name, List.of(grants), Set.of(usedBy.split(" ")));
  }

  private static Grant g(String action, PolicyScope scope) {
    return new Grant(action, scope, null);
  }

  private static Grant any(String action, String reason) {
    return new Grant(action, ANY, reason);
  }
}
