package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.learner.LearnerAccessActivities.CreateLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessOutput;
import io.labflow.activities.learner.LearnerAccessActivities.LearnerAccessOutput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.MotoWithLimits;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The learner's race with teardown, on moto with the time model (half of AWS's time: a deleted
 * role's sessions act for 5 s after its deletion, as IAM's eventual consistency lets them on
 * AWS): the learner's session still creates the lab's role right after its access is revoked. The
 * one undo that revoked and took at once leaves that role untagged; the split undo, whose take
 * comes after the stack's delete and so after the revoke has propagated, takes and deletes it.
 */
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LearnerRaceOnMotoTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-learner-race",
      MotoProcess.Limits.NONE.withTimeScale("0.5").withStalls("0"));

  static final String LAB = "lab-race";
  static final String LEARNER = "labflow-lab-race-learner";
  static final String BOUNDARY = "labflow-lab-race-boundary";
  static final String ROLE = "labflow-lab-race-role";
  static final String POLICY = "labflow-lab-race-s3";
  static final String TRUST_EC2 = LearnerSessionsOnMoto.TRUST_EC2;

  MotoProcess.Admin admin;
  Lab lab;
  IamClient iam;
  LearnerAccessActivities access;
  String notBefore;

  @BeforeEach
  void asAdministrator() throws Exception {
    admin = moto.process().enforceIamWithAdmin("labflow-admin");
    lab = CheckAccessPropagationOnMotoTest.asAdministrator(moto, admin);
    iam = lab.clients.iam();
    access = lab.stub(LearnerAccessActivities.class);
    notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  void theOneUndoThatRevokesAndTakesAtOnceLeavesWhatTheLearnerMakesRightAfter() throws Exception {
    IamClient learner = learnerSession();

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(LAB,
        LEARNER, BOUNDARY, notBefore, ROLE, POLICY, ROLE, null));
    createRole(learner);

    assertThat(out.deleted()).doesNotContain("role/" + ROLE);
    assertThat(refusedOnceTheRevokeHasPropagated(learner)).isEqualTo("AccessDenied");
    assertThat(iam.listRoles().roles()).extracting(Role::roleName).containsExactly(ROLE);
    assertThat(iam.listRoleTags(b -> b.roleName(ROLE)).tags()).as("not the lab's").isEmpty();
  }

  @Test
  void theTakeAfterTheRevokeHasPropagatedTakesWhatTheLearnerMadeRightAfterIt() throws Exception {
    IamClient learner = learnerSession();

    // learner-access's undo, then (after the stack's delete) learner-boundary's.
    DeleteLearnerAccessOutput revoked = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        LAB, LEARNER, null, null, null, null, null, null));
    createRole(learner);
    assertThat(refusedOnceTheRevokeHasPropagated(learner)).isEqualTo("AccessDenied");
    DeleteLearnerAccessOutput taken = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        LAB, null, BOUNDARY, notBefore, ROLE, POLICY, ROLE, null));

    assertThat(revoked.deleted()).containsExactly("role/" + LEARNER,
        LearnerSessionsOnMoto.IAM + ":policy/" + LEARNER);
    assertThat(taken.deleted()).containsExactly("role/" + ROLE,
        LearnerSessionsOnMoto.IAM + ":policy/" + BOUNDARY);
    assertThat(taken.untouched()).isEmpty();
    assertThat(iam.listRoles().roles()).isEmpty();
    assertThat(iam.listPolicies(b -> b.scope("Local")).policies()).isEmpty();
  }

  /** The learner's session, once its role may be assumed and its policy is in effect. */
  private IamClient learnerSession() throws InterruptedException {
    LearnerAccessOutput out = access.createLearnerAccess(new CreateLearnerAccessInput(LAB,
        LEARNER, BOUNDARY, admin.arn(), "labflow-lab-race", null));
    var keys = AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey());
    try (StsClient sts = moto.noRetry(StsClient.builder(), keys)) {
      var c = MotoWithLimits.after(() -> {
        try {
          return sts.assumeRole(b -> b.roleArn(out.learnerRoleArn()).roleSessionName("learner"))
              .credentials();
        } catch (AwsServiceException notYet) {
          return null;
        }
      }, x -> x == null);
      IamClient learner = moto.noRetry(IamClient.builder().region(Region.AWS_GLOBAL),
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
      MotoWithLimits.after(listing(learner), a -> !a.equals("listed"));
      return learner;
    }
  }

  private static void createRole(IamClient learner) {
    learner.createRole(b -> b.roleName(ROLE).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(LearnerSessionsOnMoto.IAM + ":policy/" + BOUNDARY));
  }

  /** The learner's ListRoles (its policy allows it) answered, polled until it is refused. */
  private static String refusedOnceTheRevokeHasPropagated(IamClient learner)
      throws InterruptedException {
    return MotoWithLimits.after(listing(learner), a -> a.equals("listed"));
  }

  private static Supplier<String> listing(IamClient learner) {
    return () -> {
      try {
        learner.listRoles();
        return "listed";
      } catch (AwsServiceException e) {
        return e.awsErrorDetails().errorCode();
      }
    };
  }
}
