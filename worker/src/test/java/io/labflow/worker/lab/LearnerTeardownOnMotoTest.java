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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The challenge lab ({@code iam-service-role-challenge}) on moto through the real interpreter,
 * after an instructor skipped tasks: what the learner then made by hand must be the lab's for the
 * later tasks' solves and undos, a solve whose resource nobody made says which one is missing, and
 * the teardown ends TORN_DOWN with every undo done and leaves nothing.
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
  LabWorkflow lab;
  String bucket;

  /** The challenge, live, with its bucket's name and the learner's IAM client. */
  @BeforeEach
  void liveChallenge() throws Exception {
    moto = LabOnMoto.start();
    lab = moto.startChallenge(LAB);
    LabOnMoto.awaitLive(lab);
    bucket = bucket(lab);
    learner = learnerIam();
  }

  @Test
  void aRoleTheLearnerMadeAfterCreateRoleWasSkippedIsTheLabsToDetachAndDelete() throws Exception {
    assertThat(lab.skip(null).taskId()).isEqualTo("create-role");
    learnerMakesRole();
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    assertThat(passed(lab.check(null))).isEqualTo("create-policy");
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(ACCOUNT + ":policy/" + policy()));
    assertThat(passed(lab.check(null))).isEqualTo("attach-policy");

    LabStatus down = lab.teardown(null);

    assertTornDownLeavingNothing(down);
    assertThat(LabOnMoto.step(down, "adopt-attachment").state()).isEqualTo(StepState.COMPENSATED);
  }

  /**
   * {@code attach-policy}'s solve after {@code create-role} and {@code create-policy} were skipped:
   * it names the policy nobody made, then attaches the learner's policy to the learner's role
   * (before, AttachRolePolicy refused the role NotOwned: no task had adopted it).
   */
  @Test
  void theAttachSolveAdoptsTheRoleAndPolicyTheLearnerMadeAfterTheirTasksWereSkipped()
      throws Exception {
    assertThat(lab.skip(null).taskId()).isEqualTo("create-role");
    learnerMakesRole();
    assertThat(lab.skip(null).taskId()).isEqualTo("create-policy");
    assertThat(failedSolve(lab.solve(null), "attach-policy"))
        .isEqualTo("step 'attach-adopt-policy' (AdoptPolicy) failed: NotFound: policy " + policy()
            + " does not exist");
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    assertThat(passed(lab.solve(null))).isEqualTo("attach-policy");

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  /**
   * {@code instance-profile}'s and {@code add-put}'s solves after every earlier task was skipped:
   * each first names the role or policy nobody made, then, once the learner made them, uses them
   * (before, CreateInstanceProfile refused the learner's role and CreatePolicyVersion the
   * learner's policy NotOwned; a missing one was retried for minutes as "does not exist (yet)").
   */
  @Test
  void theProfileAndPutSolvesAdoptTheRoleAndPolicyTheLearnerMadeAfterTheirTasksWereSkipped()
      throws Exception {
    assertThat(lab.skip(null).taskId()).isEqualTo("create-role");
    assertThat(lab.skip(null).taskId()).isEqualTo("create-policy");
    String noRole = "(AdoptRole) failed: NotFound: role " + role() + " does not exist";
    assertThat(failedSolve(lab.solve(null), "attach-policy"))
        .isEqualTo("step 'attach-adopt-role' " + noRole);
    assertThat(lab.skip(null).taskId()).isEqualTo("attach-policy");
    assertThat(failedSolve(lab.solve(null), "instance-profile"))
        .isEqualTo("step 'profile-adopt-role' " + noRole);
    learnerMakesRole();
    assertThat(passed(lab.solve(null))).isEqualTo("instance-profile");
    assertThat(failedSolve(lab.solve(null), "add-put"))
        .isEqualTo("step 'put-adopt-policy' (AdoptPolicy) failed: NotFound: policy " + policy()
            + " does not exist");
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(ACCOUNT + ":policy/" + policy()));
    assertThat(passed(lab.solve(null))).isEqualTo("add-put");

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  /**
   * The solves of {@code create-role}, {@code create-policy} and {@code instance-profile} after the
   * learner made each resource wrongly (a role trusting Lambda, a policy allowing s3:*, a profile
   * without the role): each check fails, the solve adopts the learner's resource and makes it right
   * (before, CreateRole, CreatePolicy and CreateInstanceProfile refused it NotOwned: not created by
   * this run), the check then passes, and teardown removes it, the learner's old policy version
   * too.
   */
  @Test
  void aSolveMakesRightWhatTheLearnerMadeWronglyForTheSameTask() throws Exception {
    learner.createRole(b -> b.roleName(role()).assumeRolePolicyDocument(
            TRUST_EC2.replace("ec2.amazonaws.com", "lambda.amazonaws.com"))
        .permissionsBoundary(ACCOUNT + ":policy/labflow-" + LAB + "-boundary"));
    assertThat(failing(lab.check(null))).containsExactly("role-trusts-ec2");
    assertThat(passed(lab.solve(null))).isEqualTo("create-role");
    String anyS3 = readOnly(bucket).replace("\"s3:ListBucket\",\"s3:GetObject\"", "\"s3:*\"");
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(anyS3));
    assertThat(failing(lab.check(null))).containsExactly("policy-list-get-on-bucket");
    assertThat(passed(lab.solve(null))).isEqualTo("create-policy");
    assertThat(moto.clients.iam().listPolicyVersions(b -> b.policyArn(ACCOUNT + ":policy/"
        + policy())).versions()).as("the learner's version and the solve's").hasSize(2);
    assertThat(passed(lab.solve(null))).isEqualTo("attach-policy");
    learner.createInstanceProfile(b -> b.instanceProfileName(profile()));
    assertThat(failing(lab.check(null)))
        .containsExactly("profile-holds-role", "profile-on-instance");
    assertThat(passed(lab.solve(null))).isEqualTo("instance-profile");

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  /**
   * The tutorial in the IAM and EC2 consoles, as their calls: the role wizard makes the policy, the
   * role with it attached and the role's instance profile, named like the role; Modify IAM role
   * associates that profile; the policy editor adds Put. Every task passes and the teardown leaves
   * nothing (before, the learner could not make the console's profile and the task wanted
   * labflow-L-profile).
   */
  @Test
  void theTutorialDoneInTheConsolePassesEveryTaskAndLeavesNothing() throws Exception {
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    learnerMakesRole();
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(ACCOUNT + ":policy/" + policy()));
    learner.createInstanceProfile(b -> b.instanceProfileName(profile()));
    learner.addRoleToInstanceProfile(b -> b.instanceProfileName(profile()).roleName(role()));
    assertThat(passed(lab.check(null))).isEqualTo("create-role");
    assertThat(passed(lab.check(null))).isEqualTo("create-policy");
    assertThat(passed(lab.check(null))).isEqualTo("attach-policy");
    try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.US_EAST_1).credentialsProvider(learnerSession()).build()) {
      ec2.associateIamInstanceProfile(b -> b.instanceId(String.valueOf(LabOnMoto.step(
          lab.status(), "create-stack").outputs().get("instanceId")))
          .iamInstanceProfile(p -> p.name(profile())));
    }
    assertThat(passed(lab.check(null))).isEqualTo("instance-profile");
    learner.createPolicyVersion(b -> b.policyArn(ACCOUNT + ":policy/" + policy())
        .setAsDefault(true).policyDocument(readOnly(bucket).replace(
            "\"s3:GetObject\"", "\"s3:GetObject\",\"s3:PutObject\"")));
    assertThat(passed(lab.check(null))).isEqualTo("add-put");

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  /**
   * A learner who made the role's instance profile after create-role passed and stopped there (the
   * lab expired, or was torn down): the teardown takes the profile as the lab's before it deletes
   * the role (before, DeleteRole refused the role, in a profile no task adopted: teardown
   * incomplete).
   */
  @Test
  void aRoleInTheLearnersProfileThatNoTaskAdoptedIsTornDownWithIt() throws Exception {
    learnerMakesRole();
    assertThat(passed(lab.check(null))).isEqualTo("create-role");
    learner.createInstanceProfile(b -> b.instanceProfileName(profile()));
    learner.addRoleToInstanceProfile(b -> b.instanceProfileName(profile()).roleName(role()));

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  /**
   * A learner who deleted the role and the policy after their tasks passed and made them again: at
   * teardown they are the lab's again, and nothing is left (before, adopt-attachment's
   * DetachRolePolicy and adopt-role's DeleteRole refused the new, untagged role NotOwned: teardown
   * incomplete).
   */
  @Test
  void whatTheLearnerMadeAgainAfterItsTaskPassedIsTornDown() throws Exception {
    String policyArn = ACCOUNT + ":policy/" + policy();
    learnerMakesRole();
    assertThat(passed(lab.check(null))).isEqualTo("create-role");
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    assertThat(passed(lab.check(null))).isEqualTo("create-policy");
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(policyArn));
    assertThat(passed(lab.check(null))).isEqualTo("attach-policy");
    learner.detachRolePolicy(b -> b.roleName(role()).policyArn(policyArn));
    learner.deleteRole(b -> b.roleName(role()));
    learner.deletePolicy(b -> b.policyArn(policyArn));
    learnerMakesRole();
    learner.createPolicy(b -> b.policyName(policy()).policyDocument(readOnly(bucket)));
    learner.attachRolePolicy(b -> b.roleName(role()).policyArn(policyArn));

    assertTornDownLeavingNothing(lab.teardown(null));
  }

  private static void assertTornDownLeavingNothing(LabStatus down) {
    assertThat(down.state()).as("last error: %s", down.lastError()).isEqualTo(LabState.TORN_DOWN);
    assertThat(down.steps()).filteredOn(s -> s.state() == StepState.COMPENSATION_FAILED
        || s.state() == StepState.REFUSED).extracting(StepStatus::id).isEmpty();
    assertThat(EmulatorInventory.take()).as("left after the teardown").isEmpty();
  }

  /** The one condition of a solve that failed: which step failed, and why. */
  private static String failedSolve(CheckAnswer answer, String task) {
    assertThat(answer.taskId()).isEqualTo(task);
    assertThat(answer.passed()).as("%s", answer).isFalse();
    assertThat(answer.conditions()).hasSize(1);
    return answer.conditions().get(0).message();
  }

  /** The ids of the conditions that do not hold. */
  private static List<String> failing(CheckAnswer answer) {
    return answer.conditions().stream().filter(c -> !c.passed()).map(c -> c.id()).toList();
  }

  /** The role as the tutorial has it, with the boundary the learner's credentials require. */
  private void learnerMakesRole() {
    learner.createRole(b -> b.roleName(role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(ACCOUNT + ":policy/labflow-" + LAB + "-boundary"));
  }

  private static String bucket(LabWorkflow lab) {
    return String.valueOf(LabOnMoto.step(lab.status(), "create-stack").outputs().get("bucketName"));
  }

  private static String readOnly(String bucket) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
        + "[\"s3:ListBucket\",\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::" + bucket
        + "\",\"arn:aws:s3:::" + bucket + "/*\"]}]}";
  }

  private static String passed(CheckAnswer answer) {
    assertThat(answer.passed()).as("%s", answer).isTrue();
    return answer.taskId();
  }

  private static String role() {
    return "labflow-" + LAB + "-role";
  }

  /** The lab's instance profile: named like the role, as the IAM console names it. */
  private static String profile() {
    return role();
  }

  private static String policy() {
    return "labflow-" + LAB + "-s3";
  }

  /** A session of the learner role, taken by the administrator the lab trusts. */
  private StaticCredentialsProvider learnerSession() {
    var c = moto.clients.sts().assumeRole(b -> b.roleArn(ACCOUNT + ":role/labflow-" + LAB
        + "-learner").roleSessionName("learner")).credentials();
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  private IamClient learnerIam() {
    return IamClient.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.AWS_GLOBAL).credentialsProvider(learnerSession()).build();
  }
}
