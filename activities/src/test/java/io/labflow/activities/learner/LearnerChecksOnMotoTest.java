package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckAccessInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckInstanceProfileInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckPolicyAttachedInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckPolicyScopeInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckProfileOnInstanceInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckRoleBoundaryInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckRoleTrustInput;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The check actions on moto with IAM enforced: each mistake a learner makes by hand (here with
 * administrator credentials) gets its own sentence; the right resources pass.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class LearnerChecksOnMotoTest extends LearnerActionsOnMoto {

  static final String LAB = "lab-learn";
  static final String ROLE = "labflow-lab-learn-role";
  static final String POLICY = "labflow-lab-learn-s3";
  static final String PROFILE = "labflow-lab-learn-profile";
  static final String BOUNDARY = "labflow-lab-learn-boundary";
  static final String BUCKET = "labflow-lab-learn-bucket";
  static final String EC2 = "ec2.amazonaws.com";

  LearnerCheckActivities checks;

  @BeforeEach
  void stub() {
    checks = lab.stub(LearnerCheckActivities.class);
  }

  CheckOutput trust() {
    return checks.checkRoleTrust(new CheckRoleTrustInput(LAB, ROLE, EC2));
  }

  CheckOutput boundary() {
    return checks.checkRoleBoundary(new CheckRoleBoundaryInput(LAB, ROLE, BOUNDARY));
  }

  void setTrust(String principal) {
    iam.updateAssumeRolePolicy(b -> b.roleName(ROLE).policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + principal + ",\"Action\":\"sts:AssumeRole\"}]}"));
  }

  String policy(String name, String document) {
    return iam.createPolicy(b -> b.policyName(name).policyDocument(document)).policy().arn();
  }

  @Test
  void eachMistakeInTheRoleHasItsOwnSentence() {
    String only = " assume " + ROLE + "; only ec2.amazonaws.com may";
    assertThat(trust()).isEqualTo(CheckOutput.fail("role " + ROLE + " does not exist"));
    assertThat(boundary()).isEqualTo(CheckOutput.fail("role " + ROLE + " does not exist"));
    iam.createRole(b -> b.roleName(ROLE)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("lambda.amazonaws.com", null)));
    assertThat(trust()).isEqualTo(
        CheckOutput.fail("the trust policy lets lambda.amazonaws.com" + only));
    setTrust("\"*\"");
    assertThat(trust()).isEqualTo(
        CheckOutput.fail("the trust policy lets anyone (Principal \"*\")" + only));
    setTrust("{\"AWS\":\"arn:aws:iam::123456789012:root\"}");
    assertThat(trust()).isEqualTo(CheckOutput.fail("the trust policy lets every principal of"
        + " the AWS account arn:aws:iam::123456789012:root" + only));
    setTrust("{\"Service\":\"ec2.amazonaws.com\"}");
    assertThat(trust()).isEqualTo(CheckOutput.pass("only ec2.amazonaws.com may assume " + ROLE));
    assertFailure(() -> checks.checkRoleTrust(new CheckRoleTrustInput(LAB, ROLE, "*")),
        "InvalidInput");

    assertThat(boundary()).isEqualTo(CheckOutput.fail(
        "role " + ROLE + " has no permissions boundary; it must carry " + BOUNDARY
            + " as its boundary"));
    String other = policy("labflow-lab-learn-other", PolicyDocuments.forBucket(
        BUCKET, READ, false));
    iam.putRolePermissionsBoundary(b -> b.roleName(ROLE).permissionsBoundary(other));
    assertThat(boundary()).isEqualTo(CheckOutput.fail("the permissions boundary of role " + ROLE
        + " is " + other + ", not " + BOUNDARY));
    // A solve step creates the role with the boundary.
    iam.deleteRolePermissionsBoundary(b -> b.roleName(ROLE));
    iam.deleteRole(b -> b.roleName(ROLE));
    String boundary = policy(BOUNDARY, PolicyDocuments.forBucket(BUCKET, WRITE, false));
    lab.iam.createRole(new CreateRoleInput(LAB, ROLE, null, null, null, null, boundary));
    assertThat(boundary()).isEqualTo(
        CheckOutput.pass("role " + ROLE + " carries the permissions boundary " + BOUNDARY));
    assertThat(trust().passed()).isTrue();
  }

  CheckOutput scope(List<String> actions) {
    return checks.checkPolicyScope(new CheckPolicyScopeInput(LAB, POLICY, BUCKET, actions));
  }

  void newDefault(String arn, String document) {
    iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(document).setAsDefault(true));
  }

  @Test
  void eachMistakeInThePolicyHasItsOwnSentence() {
    String p = "policy " + POLICY;
    assertThat(scope(READ)).isEqualTo(CheckOutput.fail(p + " does not exist"));
    String arn = policy(POLICY, PolicyDocuments.forBucket(BUCKET, READ, true));
    assertThat(scope(READ)).isEqualTo(CheckOutput.fail(p + " allows s3:ListBucket, s3:GetObject"
        + " on every resource (\"*\"); allow them only on bucket " + BUCKET + " (arn:aws:s3:::"
        + BUCKET + " and arn:aws:s3:::" + BUCKET + "/*)"));
    newDefault(arn, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::"
        + BUCKET + "/*\"}]}");
    assertThat(scope(READ)).isEqualTo(CheckOutput.fail(p + " allows s3:ListBucket only on"
        + " arn:aws:s3:::" + BUCKET + "/*, so it cannot work: s3:ListBucket acts on the bucket"
        + " itself, arn:aws:s3:::" + BUCKET));
    newDefault(arn, PolicyDocuments.forBucket(BUCKET, WRITE, false));
    assertThat(scope(READ)).isEqualTo(
        CheckOutput.fail(p + " also allows s3:PutObject, which this task does not allow"));
    assertThat(scope(WRITE)).isEqualTo(CheckOutput.pass(
        p + " allows exactly s3:ListBucket, s3:GetObject, s3:PutObject on bucket " + BUCKET));
    newDefault(arn, PolicyDocuments.forBucket(BUCKET, List.of("s3:ListBucket"), false));
    assertThat(scope(READ)).isEqualTo(
        CheckOutput.fail(p + " does not allow s3:GetObject, which this task needs"));
    newDefault(arn, PolicyDocuments.forBucket(BUCKET, READ, false));
    assertThat(scope(READ)).isEqualTo(CheckOutput.pass(
        p + " allows exactly s3:ListBucket, s3:GetObject on bucket " + BUCKET));

    CheckPolicyAttachedInput attached = new CheckPolicyAttachedInput(LAB, ROLE, POLICY);
    assertThat(checks.checkPolicyAttached(attached))
        .isEqualTo(CheckOutput.fail("role " + ROLE + " does not exist"));
    iam.createRole(b -> b.roleName(ROLE)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy(EC2, null)));
    assertThat(checks.checkPolicyAttached(attached))
        .isEqualTo(CheckOutput.fail(p + " is not attached to role " + ROLE));
    iam.attachRolePolicy(b -> b.roleName(ROLE).policyArn(arn));
    assertThat(checks.checkPolicyAttached(attached))
        .isEqualTo(CheckOutput.pass(p + " is attached to role " + ROLE));
  }

  @Test
  void eachMistakeWithTheProfileHasItsOwnSentence() {
    CheckInstanceProfileInput holds = new CheckInstanceProfileInput(LAB, PROFILE, ROLE);
    String p = "instance profile " + PROFILE;
    assertThat(checks.checkInstanceProfile(holds))
        .isEqualTo(CheckOutput.fail(p + " does not exist"));
    iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
    assertThat(checks.checkInstanceProfile(holds))
        .isEqualTo(CheckOutput.fail(p + " holds no role; add role " + ROLE));
    for (String r : List.of(ROLE, "labflow-lab-learn-other")) {
      iam.createRole(b -> b.roleName(r)
          .assumeRolePolicyDocument(PolicyDocuments.trustPolicy(EC2, null)));
    }
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE)
        .roleName("labflow-lab-learn-other"));
    assertThat(checks.checkInstanceProfile(holds)).isEqualTo(
        CheckOutput.fail(p + " holds role labflow-lab-learn-other, not " + ROLE));
    iam.removeRoleFromInstanceProfile(b -> b.instanceProfileName(PROFILE)
        .roleName("labflow-lab-learn-other"));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    assertThat(checks.checkInstanceProfile(holds))
        .isEqualTo(CheckOutput.pass(p + " holds role " + ROLE));

    String instance = instance();
    CheckProfileOnInstanceInput on = new CheckProfileOnInstanceInput(LAB, instance, PROFILE);
    assertThat(checks.checkProfileOnInstance(on)).isEqualTo(CheckOutput.fail("instance "
        + instance + " has no instance profile; associate " + PROFILE + " with it"));
    iam.createInstanceProfile(b -> b.instanceProfileName("labflow-lab-learn-wrong"));
    String wrong = lab.clients.ec2().associateIamInstanceProfile(b -> b.instanceId(instance)
        .iamInstanceProfile(s -> s.name("labflow-lab-learn-wrong")))
        .iamInstanceProfileAssociation().associationId();
    assertThat(checks.checkProfileOnInstance(on)).isEqualTo(CheckOutput.fail("instance "
        + instance + " has instance profile labflow-lab-learn-wrong, not " + PROFILE));
    lab.clients.ec2().replaceIamInstanceProfileAssociation(b -> b.associationId(wrong)
        .iamInstanceProfile(s -> s.name(PROFILE)));
    assertThat(checks.checkProfileOnInstance(on))
        .isEqualTo(CheckOutput.pass("instance " + instance + " has instance profile " + PROFILE));
  }

  /**
   * An association names the profile by ARN and id: a profile deleted and made again under the
   * same name is another profile, and the instance keeps the deleted one (no credentials on AWS).
   */
  @Test
  void aProfileMadeAgainUnderTheSameNameIsNotTheOneOnTheInstance() {
    iam.createRole(b -> b.roleName(ROLE)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy(EC2, null)));
    iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    String instance = instance();
    lab.clients.ec2().associateIamInstanceProfile(b -> b.instanceId(instance)
        .iamInstanceProfile(s -> s.name(PROFILE)));
    CheckProfileOnInstanceInput on = new CheckProfileOnInstanceInput(LAB, instance, PROFILE);
    assertThat(checks.checkProfileOnInstance(on).passed()).isTrue();
    iam.removeRoleFromInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    iam.deleteInstanceProfile(b -> b.instanceProfileName(PROFILE));
    iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    assertThat(checks.checkInstanceProfile(new CheckInstanceProfileInput(LAB, PROFILE, ROLE))
        .passed()).isTrue();
    assertThat(checks.checkProfileOnInstance(on)).isEqualTo(CheckOutput.fail("instance "
        + instance + " still has the instance profile " + PROFILE + " that was deleted (one"
        + " made again under that name is another profile); replace the association with the"
        + " current " + PROFILE + " (aws ec2 replace-iam-instance-profile-association)"));
  }

  /** The lab stack's instance, tagged for the lab. */
  String instance() {
    return lab.clients.ec2().runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1)
            .instanceType("t3.micro")
            .tagSpecifications(t -> t.resourceType("instance").tags(
                x -> x.key("labflow:lab").value(LAB),
                x -> x.key("labflow:namespace").value(Lab.NAMESPACE))))
        .instances().get(0).instanceId();
  }

  @Test
  void theAccessMatrixNamesTheFirstActionThatDiffers() {
    // No wait for propagation: moto's IAM is in effect at once (CheckAccessPropagationOnMotoTest).
    CheckAccessInput readOnly = new CheckAccessInput(
        LAB, ROLE, BUCKET, READ, List.of("s3:PutObject"), 0);
    assertThat(checks.checkAccess(readOnly))
        .isEqualTo(CheckOutput.fail("role " + ROLE + " does not exist"));
    iam.createRole(b -> b.roleName(ROLE)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy(EC2, null)));
    assertThat(checks.checkAccess(readOnly)).isEqualTo(CheckOutput.fail("role " + ROLE
        + " is denied s3:ListBucket on arn:aws:s3:::" + BUCKET + "; it should be allowed"));
    String arn = policy(POLICY, PolicyDocuments.forBucket(BUCKET, WRITE, false));
    iam.attachRolePolicy(b -> b.roleName(ROLE).policyArn(arn));
    String object = "arn:aws:s3:::" + BUCKET + "/labflow-probe/" + LAB + "/probe.txt";
    assertThat(checks.checkAccess(readOnly)).isEqualTo(CheckOutput.fail("role " + ROLE
        + " is allowed s3:PutObject on " + object + "; it should be denied"));
    newDefault(arn, PolicyDocuments.forBucket(BUCKET, READ, false));
    assertThat(checks.checkAccess(readOnly)).isEqualTo(CheckOutput.pass("role " + ROLE
        + " is allowed s3:ListBucket, s3:GetObject and denied s3:PutObject on bucket " + BUCKET
        + ", as the task expects"));
    assertFailure(() -> checks.checkAccess(
        new CheckAccessInput(LAB, ROLE, BUCKET, READ, READ, null)), "InvalidInput");
  }
}
