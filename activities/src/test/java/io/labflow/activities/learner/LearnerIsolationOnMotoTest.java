package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.Tags;
import io.labflow.activities.learner.LearnerAccessActivities.CreateLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessOutput;
import io.labflow.activities.learner.LearnerAccessActivities.LearnerAccessOutput;
import io.labflow.activities.testing.MotoServer;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;

/**
 * The isolation of learner mode (issue 22) under IAM enforcement: two labs A and B, each with its
 * learner access; A's learner, through the AWS SDK with the issued session as a person would, can
 * do every tutorial step on A's names and nothing on B's, cannot create a role without the
 * boundary, attach another policy, hand A's profile to B's instance or touch labflow's worker; after
 * A's DeleteLearnerAccess, A's session can do nothing, A's learner-made resources are gone and B's
 * and what the lab did not make are untouched.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Tag("moto")
class LearnerIsolationOnMotoTest extends LearnerSessionsOnMoto {

  @Test
  void aLearnerDoesEveryStepOnItsLabAndNothingOnceItsAccessIsDeleted() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    everyStep(a);
    everyStep(b);

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", a.notBefore().toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", "association/" + a.instance(), "role/labflow-lab-a-role",
        "instance-profile/labflow-lab-a-role", a.policyArn(),
        IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).isEmpty();
    denied("AccessDenied", "iam:GetRole", IAM + ":role/labflow-lab-a-role",
        () -> a.iam().getRole(r -> r.roleName(a.role())));
    denied("AccessDenied", "iam:CreateRole", IAM + ":role/labflow-lab-a-role",
        () -> a.iam().createRole(r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
            .permissionsBoundary(a.access().boundaryPolicyArn())));
    denied("AccessDenied", "iam:CreatePolicy", a.policyArn(),
        () -> a.iam().createPolicy(r -> r.policyName(a.policy())
            .policyDocument(policyFor(a.bucket(), "s3:ListBucket"))));
    denied("UnauthorizedOperation", "ec2:DescribeInstances", "*",
        () -> a.ec2().describeInstances());
    // A's work is gone; B's is all there, B's learner still works.
    assertThat(adm.iam().listRoles().roles()).extracting(r -> r.roleName())
        .containsExactlyInAnyOrder("labflow-lab-b-learner", "labflow-lab-b-role");
    assertThat(adm.iam().listPolicies(p -> p.scope("Local")).policies())
        .extracting(p -> p.policyName()).filteredOn(n -> n.startsWith("labflow-"))
        .containsExactlyInAnyOrder("labflow-lab-b-learner", "labflow-lab-b-boundary",
            "labflow-lab-b-s3");
    assertThat(adm.iam().listInstanceProfiles().instanceProfiles())
        .extracting(p -> p.instanceProfileName()).containsExactly("labflow-lab-b-role");
    assertThat(adm.ec2().describeIamInstanceProfileAssociations().iamInstanceProfileAssociations())
        .extracting(x -> x.instanceId()).containsExactly(b.instance());
    assertThat(simulatePut(b, b.role())).isEqualTo("allowed");
  }

  @Test
  void aLearnerCanDoNothingOnAnotherLabsNamesNorLeaveItsBoundary() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    everyStep(b);
    String bRole = IAM + ":role/labflow-lab-b-role";
    String aRole = IAM + ":role/labflow-lab-a-role";

    // Without the boundary, or with B's: no role.
    denied("AccessDenied", "iam:CreateRole", aRole, () -> a.iam().createRole(
        r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:CreateRole", aRole, () -> a.iam().createRole(
        r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
            .permissionsBoundary(b.access().boundaryPolicyArn())));
    everyStep(a);
    // Every step on B's names.
    denied("AccessDenied", "iam:CreateRole", IAM + ":role/labflow-lab-b-role2",
        () -> a.iam().createRole(r -> r.roleName("labflow-lab-b-role2")
            .assumeRolePolicyDocument(TRUST_EC2).permissionsBoundary(a.access().boundaryPolicyArn())));
    denied("AccessDenied", "iam:UpdateAssumeRolePolicy", bRole, () -> a.iam()
        .updateAssumeRolePolicy(r -> r.roleName(b.role()).policyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:CreatePolicy", IAM + ":policy/labflow-lab-b-s3x",
        () -> a.iam().createPolicy(r -> r.policyName("labflow-lab-b-s3x")
            .policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:CreatePolicyVersion", b.policyArn(),
        () -> a.iam().createPolicyVersion(r -> r.policyArn(b.policyArn())
            .policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:DetachRolePolicy", bRole,
        () -> a.iam().detachRolePolicy(r -> r.roleName(b.role()).policyArn(b.policyArn())));
    denied("AccessDenied", "iam:AttachRolePolicy", bRole,
        () -> a.iam().attachRolePolicy(r -> r.roleName(b.role()).policyArn(a.policyArn())));
    denied("AccessDenied", "iam:CreateInstanceProfile", IAM + ":instance-profile/labflow-lab-b-p2",
        () -> a.iam().createInstanceProfile(r -> r.instanceProfileName("labflow-lab-b-p2")));
    denied("AccessDenied", "iam:RemoveRoleFromInstanceProfile",
        IAM + ":instance-profile/labflow-lab-b-role", () -> a.iam()
            .removeRoleFromInstanceProfile(r -> r.instanceProfileName(b.profile()).roleName(b.role())));
    denied("AccessDenied", "iam:SimulatePrincipalPolicy", bRole, () -> simulatePut(a, b.role()));
    // Another policy on A's role, A's profile onto B's instance, B's role onto A's instance.
    String admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    denied("AccessDenied", "iam:AttachRolePolicy", aRole,
        () -> a.iam().attachRolePolicy(r -> r.roleName(a.role()).policyArn(admin)));
    denied("UnauthorizedOperation", "ec2:AssociateIamInstanceProfile",
        "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/" + b.instance(),
        () -> a.ec2().associateIamInstanceProfile(r -> r.instanceId(b.instance())
            .iamInstanceProfile(p -> p.name(a.profile()))));
    a.ec2().disassociateIamInstanceProfile(r -> r.associationId(a.ec2()
        .describeIamInstanceProfileAssociations().iamInstanceProfileAssociations().stream()
        .filter(x -> x.instanceId().equals(a.instance())).findFirst().orElseThrow().associationId()));
    denied("UnauthorizedOperation", "iam:PassRole", bRole,
        () -> a.ec2().associateIamInstanceProfile(r -> r.instanceId(a.instance())
            .iamInstanceProfile(p -> p.name(b.profile()))));
    // The boundary stays: neither removed nor replaced.
    denied("AccessDenied", "iam:DeleteRolePermissionsBoundary", aRole,
        () -> a.iam().deleteRolePermissionsBoundary(r -> r.roleName(a.role())));
    denied("AccessDenied", "iam:PutRolePermissionsBoundary", aRole,
        () -> a.iam().putRolePermissionsBoundary(r -> r.roleName(a.role())
            .permissionsBoundary(b.access().boundaryPolicyArn())));
    // Nothing on labflow's worker, nor on the learner role itself.
    String worker = IAM + ":role/worker-labflow";
    denied("AccessDenied", "iam:GetRole", worker,
        () -> a.iam().getRole(r -> r.roleName("worker-labflow")));
    denied("AccessDenied", "iam:AttachRolePolicy", worker,
        () -> a.iam().attachRolePolicy(r -> r.roleName("worker-labflow").policyArn(a.policyArn())));
    denied("AccessDenied", "iam:UpdateAssumeRolePolicy", worker, () -> a.iam()
        .updateAssumeRolePolicy(r -> r.roleName("worker-labflow").policyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:PutRolePolicy", IAM + ":role/labflow-lab-a-learner",
        () -> a.iam().putRolePolicy(r -> r.roleName("labflow-lab-a-learner").policyName("x")
            .policyDocument(policyFor(a.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:CreatePolicyVersion", IAM + ":policy/labflow-lab-a-learner",
        () -> a.iam().createPolicyVersion(r -> r.policyArn(IAM + ":policy/labflow-lab-a-learner")
            .setAsDefault(true).policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    assertThat(adm.iam().getRole(r -> r.roleName(a.role())).role().permissionsBoundary()
        .permissionsBoundaryArn()).isEqualTo(a.access().boundaryPolicyArn());
  }

  @Test
  void aLearnerReadsTheUserDataOfItsLabsInstanceOnly() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");

    // User data often holds secrets: ec2:Describe* would show every instance's, every launch
    // template's and every spot request's.
    assertThat(a.ec2().describeInstanceAttribute(r -> r.instanceId(a.instance())
        .attribute(InstanceAttributeName.USER_DATA)).instanceId()).isEqualTo(a.instance());
    denied("UnauthorizedOperation", "ec2:DescribeInstanceAttribute",
        "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/" + b.instance(),
        () -> a.ec2().describeInstanceAttribute(r -> r.instanceId(b.instance())
            .attribute(InstanceAttributeName.USER_DATA)));
    denied("UnauthorizedOperation", "ec2:DescribeLaunchTemplateVersions", "*",
        () -> a.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateName("any")));
    denied("UnauthorizedOperation", "ec2:DescribeSpotInstanceRequests", "*",
        () -> a.ec2().describeSpotInstanceRequests());
    denied("UnauthorizedOperation", "ec2:DescribeSpotFleetRequests", "*",
        () -> a.ec2().describeSpotFleetRequests());
    assertThat(a.ec2().describeInstances(r -> r.instanceIds(b.instance())).reservations())
        .as("the console's instance list stays").hasSize(1);
  }

  @Test
  void deleteLearnerAccessLeavesWhatTheLabDidNotMake() throws InterruptedException {
    // A policy of A's name from before the lab, and a profile of A's name tagged as B's.
    adm.iam().createPolicy(r -> r.policyName("labflow-lab-a-s3")
        .policyDocument(policyFor("labflow-lab-a-bucket", "s3:GetObject")));
    Instant created = adm.iam().getPolicy(r -> r.policyArn(IAM + ":policy/labflow-lab-a-s3"))
        .policy().createDate();
    LabOf a = lab("lab-a");
    // The lab started the second after (IAM's creation times are whole seconds: its own counts);
    // what the learner makes below is made from then on.
    Instant notBefore = created.plusSeconds(1);
    while (Instant.now().isBefore(notBefore)) {
      Thread.sleep(50);
    }
    adm.iam().createInstanceProfile(r -> r.instanceProfileName("labflow-lab-a-role")
        .tags(t -> t.key("labflow:lab").value("lab-b")));
    a.iam().createRole(r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(a.access().boundaryPolicyArn()));
    a.iam().attachRolePolicy(r -> r.roleName(a.role()).policyArn(a.policyArn()));
    // A role of A's name made by someone else without the boundary gains nothing from A's learner.
    adm.iam().createRole(r -> r.roleName("labflow-lab-a-role-old").assumeRolePolicyDocument(TRUST_EC2));
    denied("AccessDenied", "iam:AttachRolePolicy", IAM + ":role/labflow-lab-a-role-old",
        () -> a.iam().attachRolePolicy(r -> r.roleName("labflow-lab-a-role-old")
            .policyArn(a.policyArn())));

    DeleteLearnerAccessInput in = new DeleteLearnerAccessInput(a.id(), "labflow-lab-a-learner",
        "labflow-lab-a-boundary", notBefore.toString(), a.role(), a.policy(), a.profile(),
        a.instance());
    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(in);
    DeleteLearnerAccessOutput again = access.deleteLearnerAccess(in);

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", "role/labflow-lab-a-role", IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).containsExactly(
        "instance profile labflow-lab-a-role carries the tag labflow:lab=lab-b of another lab"
            + " (or namespace)",
        "policy " + a.policy() + " was created at " + created + ", before this lab started ("
            + notBefore + ")");
    assertThat(again.deleted()).isEmpty();
    assertThat(adm.iam().getPolicy(r -> r.policyArn(a.policyArn())).policy().attachmentCount())
        .isZero();
    assertThat(adm.iam().getInstanceProfile(r -> r.instanceProfileName(a.profile()))
        .instanceProfile().tags()).extracting(t -> t.value()).containsExactly("lab-b");
    assertThat(adm.iam().listRoles().roles()).extracting(r -> r.roleName())
        .containsExactly("labflow-lab-a-role-old");
  }

  @Test
  void deleteLearnerAccessSaysWhichNamespaceTagKeptAResource() {
    LabOf a = lab("lab-a");
    adm.iam().createInstanceProfile(r -> r.instanceProfileName(a.profile())
        .tags(t -> t.key("labflow:namespace").value("blue")));

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", Instant.EPOCH.toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.untouched())
        .containsExactly("instance profile labflow-lab-a-role carries the tag"
            + " labflow:namespace=blue of another lab (or namespace)");
  }

  @Test
  void deleteLearnerAccessTakesWhatTheLearnerMadeInTheLabsFirstSecond() {
    LabOf a = lab("lab-a");
    a.iam().createPolicy(r -> r.policyName(a.policy())
        .policyDocument(policyFor(a.bucket(), "s3:GetObject")));
    Instant created = adm.iam().getPolicy(r -> r.policyArn(a.policyArn())).policy().createDate();
    // IAM's creation times are whole seconds: a lab started in that second, before the policy.
    Instant notBefore = created.truncatedTo(ChronoUnit.SECONDS).plusMillis(500);

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", notBefore.toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", a.policyArn(), IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).isEmpty();
  }

  @Test
  void createLearnerAccessTwiceIsOneAccess() {
    LabOf a = lab("lab-a");
    LearnerAccessOutput again = access.createLearnerAccess(new CreateLearnerAccessInput(a.id(),
        "labflow-lab-a-learner", "labflow-lab-a-boundary", admin, a.bucket(), a.instance()));

    assertThat(again).isEqualTo(a.access());
    assertThat(adm.iam().listAttachedRolePolicies(r -> r.roleName("labflow-lab-a-learner"))
        .attachedPolicies()).extracting(p -> p.policyName()).containsExactly("labflow-lab-a-learner");
    assertThat(adm.iam().listPolicyVersions(r -> r.policyArn(a.access().boundaryPolicyArn()))
        .versions()).hasSize(1);
    assertThat(adm.iam().getRole(r -> r.roleName("labflow-lab-a-learner")).role()
        .maxSessionDuration()).isEqualTo(43200);
  }

  @Test
  void aNotBeforeThatIsNoInstantIsRefusedBeforeAnythingIsDeleted() {
    LabOf a = lab("lab-a");

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class,
        () -> access.deleteLearnerAccess(new DeleteLearnerAccessInput(a.id(),
            "labflow-lab-a-learner", "labflow-lab-a-boundary", "yesterday", a.role(), a.policy(),
            a.profile(), a.instance())));

    assertThat(e.getType()).isEqualTo("InvalidInput");
    assertThat(e.isNonRetryable()).isTrue();
    assertThat(e.getOriginalMessage()).isEqualTo("DeleteLearnerAccess: input field 'notBefore' is"
        + " not an ISO-8601 instant (such as 2026-12-05T02:00:00Z): yesterday");
    assertThat(adm.iam().getRole(r -> r.roleName("labflow-lab-a-learner")).role().arn())
        .isEqualTo(a.access().learnerRoleArn());
  }

  @Test
  void aLearnerTagsTheLabsNamesWithTheirOwnTagsButNeverWithLabflows() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    // Made with labflow's lab tag, B's role would be lab A's to adopt and tear down, and A's
    // teardown would leave it as another lab's: a resource neither lab deletes.
    String bRole = IAM + ":role/" + b.role();
    denied("AccessDenied", "iam:CreateRole", bRole, () -> b.iam().createRole(r -> r.roleName(b.role())
        .assumeRolePolicyDocument(TRUST_EC2).permissionsBoundary(b.access().boundaryPolicyArn())
        .tags(t -> t.key(Tags.LAB_TAG).value(a.id()))));
    assertThat(adm.iam().listRoles().roles()).noneMatch(r -> r.roleName().equals(b.role()));
    everyStep(a);
    String aRole = IAM + ":role/" + a.role();
    String aProfile = IAM + ":instance-profile/" + a.profile();

    a.iam().tagRole(r -> r.roleName(a.role()).tags(t -> t.key("team").value("blue")));
    a.iam().tagPolicy(r -> r.policyArn(a.policyArn()).tags(t -> t.key("team").value("blue")));
    a.iam().tagInstanceProfile(r -> r.instanceProfileName(a.profile())
        .tags(t -> t.key("team").value("blue")));
    denied("AccessDenied", "iam:TagRole", aRole, () -> a.iam().tagRole(r -> r.roleName(a.role())
        .tags(t -> t.key("team").value("red"), t -> t.key(Tags.LAB_TAG).value(b.id()))));
    denied("AccessDenied", "iam:TagPolicy", a.policyArn(), () -> a.iam().tagPolicy(
        r -> r.policyArn(a.policyArn()).tags(t -> t.key(Tags.RUN_TAG).value("another-run"))));
    denied("AccessDenied", "iam:TagInstanceProfile", aProfile, () -> a.iam().tagInstanceProfile(
        r -> r.instanceProfileName(a.profile()).tags(t -> t.key(Tags.NAMESPACE_TAG).value("x"))));
    assertThat(adm.iam().listRoleTags(r -> r.roleName(a.role())).tags())
        .extracting(t -> t.key() + "=" + t.value()).containsExactly("team=blue");
  }
}
