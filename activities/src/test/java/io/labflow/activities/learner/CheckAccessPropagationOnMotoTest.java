package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.learner.LearnerCheckActivities.CheckAccessInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.MotoWithLimits;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * CheckAccess where IAM takes time, as on AWS: moto with the launcher's time model (half of AWS's
 * time: a policy change is in effect for the simulator and for requests 5 s after it is made). A
 * learner who checks right after attaching the right policy passes; a wrong policy still fails,
 * once the check's budget is over.
 */
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CheckAccessPropagationOnMotoTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-propagation",
      MotoProcess.Limits.NONE.withTimeScale("0.5").withStalls("0"));

  static final String LAB = "lab-prop";
  static final String ROLE = "labflow-lab-prop-role";
  static final String BUCKET = "labflow-lab-prop";
  static final List<String> READ = List.of("s3:ListBucket", "s3:GetObject");
  static final List<String> PUT = List.of("s3:PutObject");

  Lab lab;
  IamClient iam;
  LearnerCheckActivities checks;

  @BeforeEach
  void asAdministrator() throws Exception {
    lab = asAdministrator(moto, moto.process().enforceIamWithAdmin("labflow-admin"));
    iam = lab.clients.iam();
    checks = lab.stub(LearnerCheckActivities.class);
    iam.createRole(b -> b.roleName(ROLE)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
  }

  /** The step library on this moto (a time model's own), as its administrator. */
  static Lab asAdministrator(MotoWithLimits moto, MotoProcess.Admin admin) {
    System.setProperty("aws.endpointUrl", moto.process().endpoint());
    System.setProperty("aws.region", MotoProcess.REGION);
    System.setProperty("aws.accessKeyId", admin.accessKeyId());
    System.setProperty("aws.secretAccessKey", admin.secretAccessKey());
    System.clearProperty("aws.sessionToken");
    return new Lab();
  }

  @AfterEach
  void close() {
    lab.close();
  }

  private void attach(List<String> actions) {
    String arn = iam.createPolicy(b -> b.policyName("labflow-lab-prop-s3")
        .policyDocument(PolicyDocuments.forBucket(BUCKET, actions, false))).policy().arn();
    iam.attachRolePolicy(b -> b.roleName(ROLE).policyArn(arn));
  }

  private boolean simulatorAllowsList() {
    String role = iam.getRole(b -> b.roleName(ROLE)).role().arn();
    return AccessVerificationActivitiesImpl.simulate(
        iam, role, BUCKET, LAB, Map.of("s3:ListBucket", true)).get(0).allowed();
  }

  @Test
  void aCheckRightAfterTheRightPolicyIsAttachedPassesOnceItIsInEffect() {
    attach(READ);
    assertThat(simulatorAllowsList()).as("the simulator right after AttachRolePolicy").isFalse();
    List<String> beats = lab.recordHeartbeats();
    assertThat(checks.checkAccess(new CheckAccessInput(LAB, ROLE, BUCKET, READ, PUT, null)))
        .isEqualTo(CheckOutput.pass("role " + ROLE + " is allowed s3:ListBucket, s3:GetObject"
            + " and denied s3:PutObject on bucket " + BUCKET + ", as the task expects"));
    // What a person waiting for the check reads (labflow check, the Web UI): why it still waits.
    assertThat(beats.get(0)).matches("checking the access of role " + ROLE + " while IAM"
        + " propagates a change \\(now s3:ListBucket denied, expected allowed\\): .+ of at most"
        + " 15s, poll 1");
  }

  @Test
  void aWrongPolicyFailsWithWhatIsInEffectWhenTheBudgetEnds() {
    attach(List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"));
    assertThat(simulatorAllowsList()).as("the simulator right after AttachRolePolicy").isFalse();
    // Attempts at 0 s and after pauses of 1, 2 and 4 s, each jittered by +/-25 %, and a last one
    // at the budget's end (Waiting): the policy is in effect after 5 s, so the check ends on the
    // answer after propagation, which is wrong.
    assertThat(checks.checkAccess(new CheckAccessInput(LAB, ROLE, BUCKET, READ, PUT, 12)))
        .isEqualTo(CheckOutput.fail("role " + ROLE + " is allowed s3:PutObject on arn:aws:s3:::"
            + BUCKET + "/labflow-probe/" + LAB + "/probe.txt; it should be denied"));
  }
}
