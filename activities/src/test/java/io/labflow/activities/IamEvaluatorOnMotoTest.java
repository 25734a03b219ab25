package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.testing.MotoServer;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The local stack authorizes like IAM (scripts/lib/moto_iam.py): resource scoping and tag
 * conditions, which moto alone ignores, decide; a denial carries AWS's code and message; and
 * iam:SimulatePrincipalPolicy answers from the same evaluator.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class IamEvaluatorOnMotoTest {

  static final String ACCOUNT = "123456789012";
  static final String TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
  /** Scoped as definitions/worker-policy.json scopes these actions. */
  static final String USER_POLICY =
      """
      {"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iam:AddRoleToInstanceProfile",
         "Resource":["arn:aws:iam::*:role/labflow-*","arn:aws:iam::*:instance-profile/labflow-*"]},
        {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/labflow-lab-1-*",
         "Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},
        {"Effect":"Allow","Action":"iam:DeleteRole","Resource":"arn:aws:iam::*:role/labflow-*",
         "Condition":{"Null":{"aws:ResourceTag/labflow:lab":"false"}}},
        {"Effect":"Allow","Action":"ec2:DeleteVpc","Resource":"*",
         "Condition":{"Null":{"aws:ResourceTag/labflow:lab":"false"}}},
        {"Effect":"Allow","Action":"iam:SimulatePrincipalPolicy",
         "Resource":"arn:aws:iam::*:role/labflow-*"}]}""";

  AwsClients admin;
  IamClient iam;
  Ec2Client ec2;
  String userArn;

  @BeforeEach
  void setUp() throws Exception {
    MotoServer.enforceIamWithAdmin();
    admin = AwsClients.fromEnvironment();
    userArn = admin.iam().createUser(b -> b.userName("scoped")).user().arn();
    admin.iam().putUserPolicy(b -> b.userName("scoped").policyName("scoped").policyDocument(USER_POLICY));
    var key = admin.iam().createAccessKey(b -> b.userName("scoped")).accessKey();
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
    URI endpoint = URI.create(MotoServer.endpoint());
    iam = IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials).build();
    ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
  }

  @AfterEach
  void tearDown() {
    iam.close();
    ec2.close();
    admin.close();
  }

  private static AwsServiceException denied(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).as("the request is denied").isNotNull();
    return e;
  }

  @Test
  void aRoleMayOnlyBeAddedToAnInstanceProfileThePolicyNames() {
    admin.iam().createRole(b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST));
    admin.iam().createInstanceProfile(b -> b.instanceProfileName("other-profile"));

    // moto alone checks the role's ARN here; AWS checks the instance profile's.
    AwsServiceException e =
        denied(() -> iam.addRoleToInstanceProfile(
            b -> b.instanceProfileName("other-profile").roleName("labflow-lab-1-role")));

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("User: " + userArn + " is not authorized to perform:"
            + " iam:AddRoleToInstanceProfile on resource: arn:aws:iam::" + ACCOUNT
            + ":instance-profile/other-profile because no identity-based policy allows the"
            + " iam:AddRoleToInstanceProfile action");
    assertThat(admin.iam().getInstanceProfile(b -> b.instanceProfileName("other-profile"))
        .instanceProfile().roles()).isEmpty();
  }

  @Test
  void addingARoleToAnInstanceProfilePassesTheRole() {
    for (String role : List.of("labflow-lab-1-role", "labflow-lab-2-role")) {
      admin.iam().createRole(b -> b.roleName(role).assumeRolePolicyDocument(TRUST));
      admin.iam().createInstanceProfile(b -> b.instanceProfileName(role));
    }

    // AWS: "The caller of this operation must be granted the PassRole permission on the IAM role".
    AwsServiceException e = denied(() -> iam.addRoleToInstanceProfile(
        b -> b.instanceProfileName("labflow-lab-2-role").roleName("labflow-lab-2-role")));
    iam.addRoleToInstanceProfile(
        b -> b.instanceProfileName("labflow-lab-1-role").roleName("labflow-lab-1-role"));

    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("User: " + userArn + " is not authorized to perform: iam:PassRole on resource:"
            + " arn:aws:iam::" + ACCOUNT + ":role/labflow-lab-2-role because no identity-based"
            + " policy allows the iam:PassRole action");
    assertThat(admin.iam().getInstanceProfile(b -> b.instanceProfileName("labflow-lab-2-role"))
        .instanceProfile().roles()).isEmpty();
    assertThat(admin.iam().getInstanceProfile(b -> b.instanceProfileName("labflow-lab-1-role"))
        .instanceProfile().roles()).hasSize(1);
  }

  @Test
  void anUntaggedRoleOrVpcIsNotDeletedUnderATagCondition() {
    admin.iam().createRole(b -> b.roleName("labflow-untagged").assumeRolePolicyDocument(TRUST));
    admin.iam().createRole(b -> b.roleName("labflow-tagged").assumeRolePolicyDocument(TRUST)
        .tags(t -> t.key("labflow:lab").value("lab-1")));

    AwsServiceException role = denied(() -> iam.deleteRole(b -> b.roleName("labflow-untagged")));
    iam.deleteRole(b -> b.roleName("labflow-tagged"));

    assertThat(role.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(role.awsErrorDetails().errorMessage())
        .isEqualTo("User: " + userArn + " is not authorized to perform: iam:DeleteRole on"
            + " resource: arn:aws:iam::" + ACCOUNT + ":role/labflow-untagged because no"
            + " identity-based policy allows the iam:DeleteRole action");

    String vpc = admin.ec2().createVpc(b -> b.cidrBlock("10.9.0.0/16")).vpc().vpcId();
    AwsServiceException e = denied(() -> ec2.deleteVpc(b -> b.vpcId(vpc)));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("You are not authorized to perform this operation. User: " + userArn
            + " is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:us-east-1:"
            + ACCOUNT + ":vpc/" + vpc + " because no identity-based policy allows the"
            + " ec2:DeleteVpc action");
    String tagged = admin.ec2().createVpc(b -> b.cidrBlock("10.8.0.0/16").tagSpecifications(
        s -> s.resourceType(ResourceType.VPC).tags(t -> t.key("labflow:lab").value("lab-1"))))
        .vpc().vpcId();
    ec2.deleteVpc(b -> b.vpcId(tagged));
    assertThat(admin.ec2().describeVpcs(b -> b.vpcIds(vpc)).vpcs()).hasSize(1);
  }

  @Test
  void simulatePrincipalPolicyAnswersTheRolesMatrix() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/labflow-lab-1-role";
    admin.iam().createRole(b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST));
    String read = admin.iam().createPolicy(b -> b.policyName("labflow-lab-1-read").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Read\",\"Effect\":\"Allow\","
            + "\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],\"Resource\":"
            + "[\"arn:aws:s3:::labflow-lab-1\",\"arn:aws:s3:::labflow-lab-1/*\"]}]}"))
        .policy().arn();
    admin.iam().attachRolePolicy(b -> b.roleName("labflow-lab-1-role").policyArn(read));
    admin.iam().putRolePolicy(b -> b.roleName("labflow-lab-1-role").policyName("inline")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":"
            + "{\"StringEquals\":{\"s3:x-amz-server-side-encryption\":\"AES256\"}}}]}"));
    String object = "arn:aws:s3:::labflow-lab-1/k";
    String other = "arn:aws:s3:::other-bucket/k";

    List<EvaluationResult> results =
        iam.simulatePrincipalPolicy(b -> b.policySourceArn(role)
            .actionNames("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
            .resourceArns(object, other))
            .evaluationResults();

    assertThat(results)
        .extracting(EvaluationResult::evalActionName, EvaluationResult::evalResourceName,
            EvaluationResult::evalDecisionAsString)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("s3:GetObject", object, "allowed"),
            org.assertj.core.groups.Tuple.tuple("s3:GetObject", other, "implicitDeny"),
            org.assertj.core.groups.Tuple.tuple("s3:PutObject", object, "implicitDeny"),
            org.assertj.core.groups.Tuple.tuple("s3:PutObject", other, "implicitDeny"),
            org.assertj.core.groups.Tuple.tuple("s3:DeleteObject", object, "explicitDeny"),
            org.assertj.core.groups.Tuple.tuple("s3:DeleteObject", other, "explicitDeny"));
    assertThat(results.get(0).matchedStatements())
        .extracting(s -> s.sourcePolicyId()).containsExactly("labflow-lab-1-read");
    assertThat(results.get(0).resourceSpecificResults())
        .extracting(r -> r.evalResourceName(), r -> r.evalResourceDecisionAsString())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(object, "allowed"));

    // The request's context decides a condition.
    EvaluationResult encrypted =
        iam.simulatePrincipalPolicy(b -> b.policySourceArn(role).actionNames("s3:PutObject")
            .resourceArns(object)
            .contextEntries(ContextEntry.builder().contextKeyName("s3:x-amz-server-side-encryption")
                .contextKeyType(ContextKeyTypeEnum.STRING).contextKeyValues("AES256").build()))
            .evaluationResults().get(0);
    assertThat(encrypted.evalDecisionAsString()).isEqualTo("allowed");
  }

  @Test
  void simulatingAPrincipalOutsideThePolicyIsDeniedBeforeItIsLookedUp() {
    String missing = "arn:aws:iam::" + ACCOUNT + ":role/worker-labflow";
    AwsServiceException e =
        denied(() -> iam.simulatePrincipalPolicy(
            b -> b.policySourceArn(missing).actionNames("s3:GetObject")));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(e.awsErrorDetails().errorMessage())
        .contains("is not authorized to perform: iam:SimulatePrincipalPolicy on resource: " + missing);

    AwsServiceException notFound =
        denied(() -> iam.simulatePrincipalPolicy(b -> b.policySourceArn(
            "arn:aws:iam::" + ACCOUNT + ":role/labflow-missing").actionNames("s3:GetObject")));
    assertThat(notFound.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
  }
}
