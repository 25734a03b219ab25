package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.testing.MotoServer;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;

/**
 * The local stack applies permissions boundaries as IAM does (scripts/lib/moto_iam.py): CreateRole
 * and PutRolePermissionsBoundary put {@code iam:PermissionsBoundary} in the request's context, a
 * role with a boundary is allowed only what the boundary allows too (in requests and in the
 * simulator), and a session of a deleted role is refused. And TagRole carries the request's tags
 * ({@code aws:RequestTag/*}), as the worker policy's tag-to-take-over statement needs.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@Tag("moto")
class PermissionsBoundaryOnMotoTest {

  static final String ACCOUNT = "123456789012";
  static final String BOUNDARY = "arn:aws:iam::" + ACCOUNT + ":policy/labflow-lab-1-boundary";
  static final String OTHER = "arn:aws:iam::" + ACCOUNT + ":policy/labflow-lab-1-other";
  static final String TRUST_EC2 =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
  static final String GET_ROLE_ONLY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Action\":\"iam:GetRole\",\"Resource\":\"*\"}]}";

  AwsClients admin;
  String adminArn;
  URI endpoint;

  @BeforeEach
  void setUp() throws Exception {
    adminArn = MotoServer.enforceIamWithAdmin();
    admin = AwsClients.fromEnvironment();
    endpoint = URI.create(MotoServer.endpoint());
    admin.iam().createPolicy(b -> b.policyName("labflow-lab-1-boundary").policyDocument(GET_ROLE_ONLY));
    admin.iam().createPolicy(b -> b.policyName("labflow-lab-1-other").policyDocument(GET_ROLE_ONLY));
  }

  @AfterEach
  void tearDown() {
    admin.close();
  }

  IamClient iamAs(AwsCredentialsProvider credentials) {
    return IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials).build();
  }

  /** A role trusting the administrator, with this inline policy and boundary; a session of it. */
  AwsCredentialsProvider sessionOf(String role, String policy, String boundary) {
    admin.iam().createRole(b -> b.roleName(role).permissionsBoundary(boundary)
        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
            + "\"Allow\",\"Principal\":{\"AWS\":\"" + adminArn + "\"},\"Action\":\"sts:AssumeRole\"}]}"));
    admin.iam().putRolePolicy(b -> b.roleName(role).policyName("inline").policyDocument(policy));
    var c = admin.sts().assumeRole(b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/" + role)
        .roleSessionName("s")).credentials();
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  static AwsServiceException denied(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).as("the request is denied").isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    return e;
  }

  @Test
  void createRoleAndPutRolePermissionsBoundaryCarryTheBoundaryInTheirContext() {
    admin.iam().createUser(b -> b.userName("learner"));
    admin.iam().putUserPolicy(b -> b.userName("learner").policyName("p").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"iam:CreateRole\",\"iam:PutRolePermissionsBoundary\"],\"Resource\":"
            + "\"arn:aws:iam::*:role/labflow-lab-1-*\",\"Condition\":{\"StringEquals\":"
            + "{\"iam:PermissionsBoundary\":\"" + BOUNDARY + "\"}}}]}"));
    var key = admin.iam().createAccessKey(b -> b.userName("learner")).accessKey();
    String user = "arn:aws:iam::" + ACCOUNT + ":user/learner";
    try (IamClient iam = iamAs(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))) {

      AwsServiceException without = denied(() -> iam.createRole(
          b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST_EC2)));
      iam.createRole(b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST_EC2)
          .permissionsBoundary(BOUNDARY));
      AwsServiceException other = denied(() -> iam.putRolePermissionsBoundary(
          b -> b.roleName("labflow-lab-1-role").permissionsBoundary(OTHER)));
      iam.putRolePermissionsBoundary(
          b -> b.roleName("labflow-lab-1-role").permissionsBoundary(BOUNDARY));

      assertThat(without.awsErrorDetails().errorMessage()).isEqualTo("User: " + user
          + " is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::" + ACCOUNT
          + ":role/labflow-lab-1-role because no identity-based policy allows the iam:CreateRole"
          + " action");
      assertThat(other.awsErrorDetails().errorMessage()).contains(
          "iam:PutRolePermissionsBoundary on resource: arn:aws:iam::" + ACCOUNT
              + ":role/labflow-lab-1-role");
      assertThat(admin.iam().getRole(b -> b.roleName("labflow-lab-1-role")).role()
          .permissionsBoundary().permissionsBoundaryArn()).isEqualTo(BOUNDARY);
    }
  }

  @Test
  void aRoleIsAllowedOnlyWhatItsBoundaryAllowsToo() {
    String all = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
        + "[\"iam:GetRole\",\"iam:ListRoleTags\"],\"Resource\":\"*\"}]}";
    String role = "arn:aws:iam::" + ACCOUNT + ":role/labflow-lab-1-bounded";
    try (IamClient iam = iamAs(sessionOf("labflow-lab-1-bounded", all, BOUNDARY))) {

      iam.getRole(b -> b.roleName("labflow-lab-1-bounded"));
      AwsServiceException e = denied(() -> iam.listRoleTags(b -> b.roleName("labflow-lab-1-bounded")));

      assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:sts::" + ACCOUNT
          + ":assumed-role/labflow-lab-1-bounded/s is not authorized to perform: iam:ListRoleTags"
          + " on resource: " + role + " because no permissions boundary allows the"
          + " iam:ListRoleTags action");
    }
    assertThat(admin.iam().simulatePrincipalPolicy(b -> b.policySourceArn(role)
            .actionNames("iam:GetRole", "iam:ListRoleTags").resourceArns(role))
        .evaluationResults())
        .extracting(EvaluationResult::evalActionName, EvaluationResult::evalDecisionAsString)
        .containsExactly(tuple("iam:GetRole", "allowed"), tuple("iam:ListRoleTags", "implicitDeny"));
  }

  @Test
  void aSessionOfADeletedRoleIsRefused() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/labflow-lab-1-gone";
    try (IamClient iam = iamAs(sessionOf("labflow-lab-1-gone", GET_ROLE_ONLY, BOUNDARY))) {
      iam.getRole(b -> b.roleName("labflow-lab-1-gone"));
      admin.iam().deleteRolePolicy(b -> b.roleName("labflow-lab-1-gone").policyName("inline"));
      admin.iam().deleteRole(b -> b.roleName("labflow-lab-1-gone"));

      AwsServiceException e = denied(() -> iam.getRole(b -> b.roleName("labflow-lab-1-gone")));

      assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:sts::" + ACCOUNT
          + ":assumed-role/labflow-lab-1-gone/s is not authorized to perform: iam:GetRole on"
          + " resource: " + role + " because no identity-based policy allows the iam:GetRole"
          + " action");
    }
  }

  @Test
  void tagRoleCarriesTheRequestsTags() {
    admin.iam().createRole(b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST_EC2));
    admin.iam().createUser(b -> b.userName("tagger"));
    admin.iam().putUserPolicy(b -> b.userName("tagger").policyName("p").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "\"iam:TagRole\",\"Resource\":\"arn:aws:iam::*:role/labflow-*\",\"Condition\":"
            + "{\"Null\":{\"aws:RequestTag/labflow:lab\":\"false\"}}}]}"));
    var key = admin.iam().createAccessKey(b -> b.userName("tagger")).accessKey();
    try (IamClient iam = iamAs(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))) {

      denied(() -> iam.tagRole(b -> b.roleName("labflow-lab-1-role").tags(t -> t.key("x").value("y"))));
      iam.tagRole(b -> b.roleName("labflow-lab-1-role").tags(t -> t.key("labflow:lab").value("lab-1")));

      assertThat(admin.iam().listRoleTags(b -> b.roleName("labflow-lab-1-role")).tags())
          .extracting(t -> t.key() + "=" + t.value()).containsExactly("labflow:lab=lab-1");
    }
  }

  @Test
  void attachRolePolicyCarriesTheRolesBoundary() {
    admin.iam().createRole(b -> b.roleName("labflow-lab-1-role").assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(BOUNDARY));
    admin.iam().createRole(b -> b.roleName("labflow-lab-1-bare").assumeRolePolicyDocument(TRUST_EC2));
    admin.iam().createUser(b -> b.userName("attacher"));
    admin.iam().putUserPolicy(b -> b.userName("attacher").policyName("p").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "\"iam:AttachRolePolicy\",\"Resource\":\"arn:aws:iam::*:role/labflow-*\",\"Condition\":"
            + "{\"StringEquals\":{\"iam:PermissionsBoundary\":\"" + BOUNDARY + "\"}}}]}"));
    var key = admin.iam().createAccessKey(b -> b.userName("attacher")).accessKey();
    try (IamClient iam = iamAs(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))) {

      AwsServiceException bare = denied(() -> iam.attachRolePolicy(
          b -> b.roleName("labflow-lab-1-bare").policyArn(OTHER)));
      iam.attachRolePolicy(b -> b.roleName("labflow-lab-1-role").policyArn(OTHER));

      assertThat(bare.awsErrorDetails().errorMessage()).contains("iam:AttachRolePolicy on resource: "
          + "arn:aws:iam::" + ACCOUNT + ":role/labflow-lab-1-bare ");
      assertThat(admin.iam().listAttachedRolePolicies(b -> b.roleName("labflow-lab-1-role"))
          .attachedPolicies()).extracting(p -> p.policyArn()).containsExactly(OTHER);
    }
  }
}
