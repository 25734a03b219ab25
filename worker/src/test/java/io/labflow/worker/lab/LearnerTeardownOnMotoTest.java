package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The challenge lab ({@code iam-service-role-challenge}) on moto through the real interpreter: an
 * instructor skips the task {@code create-role}, so no task adopts the role; the learner makes it
 * by hand anyway, then the policy, and attaches it. The attachment's undo must find the role the
 * lab's at teardown: the teardown ends TORN_DOWN with every undo done, and leaves nothing.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class LearnerTeardownOnMotoTest {

  static final String LAB = "lab-skip";
  static final String ACCOUNT = "arn:aws:iam::123456789012";
  static final String TRUST_EC2 =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  @AutoClose LabOnMoto moto;
  @AutoClose IamClient learner;

  @Test
  void aRoleTheLearnerMadeAfterCreateRoleWasSkippedIsTheLabsToDetachAndDelete() throws Exception {
    moto = LabOnMoto.start();
    LabWorkflow lab = moto.startChallenge(LAB);
    LabOnMoto.awaitLive(lab);
    String bucket = String.valueOf(LabOnMoto.step(lab.status(), "create-stack").outputs()
        .get("bucketName"));
    learner = learnerIam();

    assertThat(lab.skip(null).taskId()).isEqualTo("create-role");
    learner.createRole(b -> b.roleName(role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(ACCOUNT + ":policy/labflow-" + LAB + "-boundary"));
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"s3:ListBucket\",\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::" + bucket
            + "\",\"arn:aws:s3:::" + bucket + "/*\"]}]}"));
    assertThat(passed(lab.check(null))).isEqualTo("create-policy");
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(ACCOUNT + ":policy/" + policy()));
    assertThat(passed(lab.check(null))).isEqualTo("attach-policy");

    LabStatus down = lab.teardown(null);

    assertThat(down.state()).as("last error: %s", down.lastError()).isEqualTo(LabState.TORN_DOWN);
    assertThat(down.steps()).filteredOn(s -> s.state() == StepState.COMPENSATION_FAILED
        || s.state() == StepState.REFUSED).extracting(StepStatus::id).isEmpty();
    assertThat(LabOnMoto.step(down, "adopt-attachment").state()).isEqualTo(StepState.COMPENSATED);
    assertThat(EmulatorInventory.take()).as("left after the teardown").isEmpty();
  }

  private static String passed(CheckAnswer answer) {
    assertThat(answer.passed()).as("%s", answer).isTrue();
    return answer.taskId();
  }

  private static String role() {
    return "labflow-" + LAB + "-role";
  }

  private static String policy() {
    return "labflow-" + LAB + "-s3";
  }

  /** A session of the learner role, taken by the administrator the lab trusts. */
  private IamClient learnerIam() {
    var c = moto.clients.sts().assumeRole(b -> b.roleArn(ACCOUNT + ":role/labflow-" + LAB
        + "-learner").roleSessionName("learner")).credentials();
    return IamClient.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.AWS_GLOBAL).credentialsProvider(StaticCredentialsProvider.create(
            AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
        .build();
  }
}
