package io.labflow.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyVersionInput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities.RoleOutput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.verification.AccessVerificationActivities.AccessCheck;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessOutput;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * The heart of the lab, with moto enforcing IAM: a role with the read-only policy really gets
 * AccessDenied on PutObject, and after the policy's new version it really can put.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class AccessVerificationTest extends MotoLabTest {

  static final String LAB = "lab-access";
  static final String BUCKET = "labflow-lab-access-bucket";
  static final String ROLE = "labflow-lab-access-role";
  static final String POLICY = "labflow-lab-access-policy";

  String adminArn;

  @Override
  protected Lab newLab() throws Exception {
    adminArn = MotoServer.enforceIamWithAdmin();
    return new Lab();
  }

  @BeforeEach
  void createBucket() {
    lab.clients.s3().createBucket(b -> b.bucket(BUCKET));
    lab.clients
        .s3()
        .putBucketTagging(
            b ->
                b.bucket(BUCKET)
                    .tagging(
                        Tagging.builder()
                            .tagSet(Tag.builder().key("labflow:lab").value(LAB).build(),
                                Tag.builder().key("labflow:namespace").value(Lab.NAMESPACE).build())
                            .build()));
  }

  private VerifyAccessInput probe(List<String> allow, List<String> deny, int budgetSeconds) {
    return new VerifyAccessInput(LAB, null, ROLE, BUCKET, allow, deny, "probe", budgetSeconds);
  }

  @Test
  void readOnlyIsDeniedPutUntilThePolicyGetsANewVersion() {
    // Probing acts as the role, so the worker's principal must be trusted besides EC2.
    RoleOutput role =
        lab.iam.createRole(new CreateRoleInput(LAB, ROLE, null, adminArn, null, null, null));
    lab.iam.createPolicy(new CreatePolicyInput(LAB, POLICY, BUCKET, READ, null));
    lab.iam.attachRolePolicy(new RolePolicyInput(LAB, ROLE, null, POLICY));

    VerifyAccessOutput readOnly =
        lab.access.verifyAccess(probe(READ, List.of("s3:PutObject"), 10));
    assertThat(readOnly.matches()).isTrue();
    assertThat(readOnly.roleArn()).isEqualTo(role.roleArn());
    assertThat(readOnly.matrix())
        .extracting(AccessCheck::action, AccessCheck::allowed)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("s3:ListBucket", true),
            org.assertj.core.groups.Tuple.tuple("s3:GetObject", true),
            org.assertj.core.groups.Tuple.tuple("s3:PutObject", false));
    // Verifying again gives the same matrix (and leaves the bucket as it was).
    assertThat(lab.access.verifyAccess(probe(READ, List.of("s3:PutObject"), 10)))
        .isEqualTo(readOnly);
    assertThat(readOnly.matrix())
        .filteredOn(c -> c.action().equals("s3:PutObject"))
        .singleElement()
        .satisfies(c -> assertThat(c.detail()).isEqualTo("AccessDenied"));

    // Expecting write access of the read-only role fails with the whole matrix.
    ApplicationFailure mismatch =
        failureOf(() -> lab.access.verifyAccess(probe(WRITE, List.of(), 2)), "AccessMismatch");
    assertThat(mismatch.isNonRetryable()).isTrue();
    assertThat(mismatch.getOriginalMessage())
        .contains("MISMATCH s3:PutObject")
        .contains("ok       s3:ListBucket")
        .contains("ok       s3:GetObject");

    lab.iam.createPolicyVersion(new CreatePolicyVersionInput(LAB, null, POLICY, BUCKET, WRITE, null));
    VerifyAccessOutput readWrite = lab.access.verifyAccess(probe(WRITE, List.of(), 10));
    assertThat(readWrite.matches()).isTrue();
    assertThat(readWrite.matrix()).allMatch(AccessCheck::allowed).hasSize(3);

    // The probe removed what it wrote.
    assertThat(lab.clients.s3().listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
  }

  @Test
  void probeRefusesABucketOfAnotherOwner() {
    lab.iam.createRole(new CreateRoleInput(LAB, ROLE, null, adminArn, null, null, null));
    lab.clients.s3().createBucket(b -> b.bucket("foreign-bucket"));
    assertFailure(
        () ->
            lab.access.verifyAccess(
                new VerifyAccessInput(
                    LAB, null, ROLE, "foreign-bucket", READ, List.of(), "probe", 1)),
        "NotOwned");
    assertThat(lab.calls.count("Sts", "AssumeRole")).isZero();
    assertThat(lab.calls.count("S3", "PutObject")).isZero();
  }

  @Test
  void probeRejectsActionsItCannotExercise() {
    assertFailure(
        () ->
            lab.access.verifyAccess(
                probe(List.of("s3:GetBucketPolicy"), List.of(), 1)),
        "InvalidInput");
    assertFailure(
        () -> lab.access.verifyAccess(probe(READ, List.of("s3:GetObject"), 1)), "InvalidInput");
  }
}
