package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldLimit;
import io.labflow.workflows.catalog.FieldSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of the AWS step library's action fields (the workflows module cannot see the activities
 * module), used to check the documented example. Required fields are plain names, optional ones end
 * with {@code ?}.
 */
final class StepLibraryMirror {

  private StepLibraryMirror() {}

  static ActionCatalog create() {
    return ActionCatalog.of(
        List.of(
            action(
                "CreateStack",
                "labId stackName templateFile parameters?:map capabilities?:list"
                    + " timeoutMinutes?:integer",
                "stackId stackName status bucketName? instanceId? outputs:map adopted:boolean"),
            action("DeleteStack", "labId stackName", "resource deleted:boolean"),
            action(
                "CreateRole",
                "labId roleName servicePrincipal? trustedPrincipalArn? path? description?",
                "roleName roleArn adopted:boolean"),
            action("DeleteRole", "labId roleName", "resource deleted:boolean"),
            action(
                "CreatePolicy",
                "labId policyName bucketName actions:list resourceWildcard?:boolean",
                "policyArn policyName document defaultVersionId adopted:boolean"),
            action(
                "CreatePolicyVersion",
                "labId policyArn? policyName? bucketName actions:list resourceWildcard?:boolean",
                "policyArn versionId document created:boolean"),
            action("DeletePolicy", "labId policyArn? policyName?", "resource deleted:boolean"),
            action("AttachRolePolicy", "labId roleName policyArn? policyName?", "roleName policyArn attached:boolean changed:boolean"),
            action("DetachRolePolicy", "labId roleName policyArn? policyName?", "roleName policyArn attached:boolean changed:boolean"),
            action(
                "CreateInstanceProfile",
                "labId instanceProfileName roleName path?",
                "instanceProfileName instanceProfileArn roleName adopted:boolean"),
            action("DeleteInstanceProfile", "labId instanceProfileName", "resource deleted:boolean"),
            action(
                "AssociateInstanceProfile",
                "labId instanceId instanceProfileName",
                "instanceId instanceProfileArn associationId change"),
            action(
                "DisassociateInstanceProfile",
                "labId instanceId instanceProfileName?",
                "resource deleted:boolean"),
            action(
                "VerifyAccess",
                "labId roleArn? roleName? bucketName allow:list deny:list method?"
                    + " budgetSeconds?:integer",
                "method roleArn bucketName matrix:list attempts:integer matches:boolean"),
            action(
                "ListLabResources",
                "labId",
                "labId stacks:list instances:list vpcs:list buckets:list roles:list"
                    + " policies:list instanceProfiles:list internetGateways:list subnets:list"
                    + " routeTables:list securityGroups:list networkInterfaces:list"
                    + " associations:list policyVersions:list objects:list unknown:list"
                    + " unreadable:list"),
            action(
                "DeleteLabResources", "labId", "deleted:object remaining:object blocked:list")));
  }

  /** The actions the step library marks {@code @LongRunning}. */
  static final List<String> LONG_RUNNING =
      List.of("CreateStack", "DeleteStack", "AssociateInstanceProfile", "VerifyAccess",
          "DeleteLabResources");

  private static final String IAM = "[A-Za-z0-9+=,.@_-]+";
  private static final String IAM_RULE = "letters, digits and +=,.@_-";
  private static final String BUCKET =
      "(?!xn--)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]*[a-z0-9](?<!-s3alias)";
  private static final String BUCKET_RULE =
      "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,"
          + " without two dots in a row or an xn-- prefix";

  /** The name limits the step library declares (its {@code @Limit}s), by action.field. */
  private static final java.util.Map<String, FieldLimit> LIMITS =
      java.util.Map.of(
          "CreateStack.stackName",
          new FieldLimit("CloudFormation stack name", 1, 128, "[A-Za-z][A-Za-z0-9-]*",
              "letters, digits and hyphens, starting with a letter", null),
          "CreateStack.parameters",
          new FieldLimit("S3 bucket name", 3, 63, BUCKET, BUCKET_RULE, "BucketName"),
          "CreateRole.roleName", new FieldLimit("IAM role name", 1, 64, IAM, IAM_RULE, null),
          "CreateRole.trustedPrincipalArn",
          new FieldLimit("trusted principal ARN", 1, 2048, null, "", null, "arn"),
          "CreatePolicy.policyName", new FieldLimit("IAM policy name", 1, 128, IAM, IAM_RULE, null),
          "CreatePolicy.bucketName", new FieldLimit("S3 bucket name", 3, 63, BUCKET, BUCKET_RULE, null),
          "CreateInstanceProfile.instanceProfileName",
          new FieldLimit("instance profile name", 1, 128, IAM, IAM_RULE, null));

  private static ActionSpec action(String name, String inputs, String outputs) {
    List<FieldSpec> in = new ArrayList<>();
    for (FieldSpec f : fields(inputs)) {
      in.add(new FieldSpec(f.name(), f.type(), f.required(), LIMITS.get(name + "." + f.name())));
    }
    return new ActionSpec(name, in, fields(outputs), LONG_RUNNING.contains(name));
  }

  private static List<FieldSpec> fields(String spec) {
    List<FieldSpec> out = new ArrayList<>();
    for (String word : spec.split(" ")) {
      String[] nameType = word.split(":");
      String name = nameType[0];
      boolean optional = name.endsWith("?");
      if (optional) {
        name = name.substring(0, name.length() - 1);
      }
      out.add(new FieldSpec(name, nameType.length > 1 ? nameType[1] : "string", !optional));
    }
    return out;
  }
}
