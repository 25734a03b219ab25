package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * AWS's time in the local stack ({@code LABFLOW_AWS_TIME_SCALE}, scripts/lib/moto_time.py), at a
 * fifth of AWS's durations: an instance is pending before running, a role just created cannot be
 * assumed yet, and a policy just attached or switched to a new default version is not yet what IAM
 * decides by. Stacks: {@link MotoStackTimeTest}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoTimeTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-time",
      MotoProcess.Limits.NONE.withTimeScale("0.2").withStalls("0"));

  @Test
  void anInstanceIsPendingAndANewRoleCannotBeAssumedAtFirst() throws Exception {
    try (Ec2Client ec2 = moto.noRetry(Ec2Client.builder());
        IamClient iam = moto.noRetry(IamClient.builder().region(Region.AWS_GLOBAL));
        StsClient sts = moto.noRetry(StsClient.builder())) {
      String ami = ec2.describeImages().images().get(0).imageId();
      var launched = ec2.runInstances(b -> b.imageId(ami).minCount(1).maxCount(1)).instances().get(0);
      assertThat(launched.state().nameAsString()).isEqualTo("pending");
      Supplier<String> state = () -> ec2.describeInstances(b -> b.instanceIds(launched.instanceId()))
          .reservations().get(0).instances().get(0).state().nameAsString();
      assertThat(state.get()).as("within 3.4 s of the launch").isEqualTo("pending");
      assertThat(MotoWithLimits.after(state, s -> s.equals("pending"))).isEqualTo("running");

      String arn = iam.createRole(b -> b.roleName("fresh").assumeRolePolicyDocument(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
              + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();
      AwsServiceException refused = catchThrowableOfType(AwsServiceException.class,
          () -> sts.assumeRole(b -> b.roleArn(arn).roleSessionName("probe")));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
      assertThat(refused.awsErrorDetails().errorMessage()).contains("sts:AssumeRole on resource: " + arn);
      Boolean assumed = MotoWithLimits.after(() -> {
        try {
          return sts.assumeRole(b -> b.roleArn(arn).roleSessionName("probe")).credentials() != null;
        } catch (AwsServiceException notYet) {
          return false;
        }
      }, ok -> !ok);
      assertThat(assumed).isTrue();
    }
  }

  /**
   * {@code scripts/stack up} with {@code LABFLOW_WORKER_AS=policy} under AWS's time: before,
   * moto_auth.py assumed the worker's role right after creating it and failed AccessDenied, so the
   * stack did not start. Now it waits for the role and its policies, and the session it gives
   * acts at once: a read the shipped policy allows is answered, not refused.
   */
  @Test
  void theWorkerAsTheShippedPolicyIsMadeUnderAwsTimeAndActsAtOnce() throws Exception {
    MotoProcess.Principals worker = moto.process().enforceIam(MotoProcess.WorkerAs.POLICY);

    var keys = AwsSessionCredentials.create(
        worker.accessKeyId(), worker.secretAccessKey(), worker.sessionToken());
    try (IamClient iam = moto.noRetry(IamClient.builder().region(Region.AWS_GLOBAL), keys)) {
      AwsServiceException answer = catchThrowableOfType(AwsServiceException.class,
          () -> iam.getRole(b -> b.roleName("labflow-nobody-role")));
      assertThat(answer.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
    }
  }

  @Test
  void aPolicyAttachedOrSwitchedToANewDefaultVersionIsSeenAfterItsPropagation() throws Exception {
    MotoProcess.Admin admin = moto.process().enforceIamWithAdmin("admin");
    var adminKeys = AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey());
    try (IamClient iam = moto.noRetry(IamClient.builder().region(Region.AWS_GLOBAL), adminKeys);
        StsClient sts = moto.noRetry(StsClient.builder(), adminKeys)) {
      Made made = roleWithPolicy(iam, admin, "switching", "ec2:DescribeVpcs");
      String role = made.role();
      // AWS's sentence names the caller (before: arn:aws:iam::ACCOUNT:user/caller, whoever called).
      assertThat(catchThrowableOfType(AwsServiceException.class,
          () -> sts.assumeRole(b -> b.roleArn(role).roleSessionName("young")))
          .awsErrorDetails().errorMessage()).isEqualTo("User: " + admin.arn()
              + " is not authorized to perform: sts:AssumeRole on resource: " + role);
      String policy = made.policy();
      Supplier<String> vpcs = () -> simulated(iam, role, "ec2:DescribeVpcs");
      Supplier<String> subnets = () -> simulated(iam, role, "ec2:DescribeSubnets");
      assertThat(vpcs.get()).as("right after AttachRolePolicy").isEqualTo("implicitDeny");
      assertThat(MotoWithLimits.after(vpcs, d -> d.equals("implicitDeny"))).isEqualTo("allowed");

      try (Ec2Client ec2 = session(sts, role)) {
        iam.createPolicyVersion(b -> b.policyArn(policy).setAsDefault(true)
            .policyDocument(allow("ec2:DescribeSubnets")));

        assertThat(subnets.get()).as("right after CreatePolicyVersion").isEqualTo("implicitDeny");
        assertThat(vpcs.get()).as("right after CreatePolicyVersion").isEqualTo("allowed");
        AwsServiceException refused = catchThrowableOfType(AwsServiceException.class, ec2::describeSubnets);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
        ec2.describeVpcs(); // the previous version still allows it

        assertThat(MotoWithLimits.after(subnets, d -> d.equals("implicitDeny"))).isEqualTo("allowed");
        assertThat(vpcs.get()).isEqualTo("implicitDeny");
        assertThat(ec2.describeSubnets().subnets()).isNotEmpty();
        assertThat(catchThrowableOfType(AwsServiceException.class, ec2::describeVpcs)
            .awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
      }
    }
  }

  @Test
  void aDeletedRolesSessionActsUntilTheDeletionPropagatesThenIsRefused() throws Exception {
    MotoProcess.Admin admin = moto.process().enforceIamWithAdmin("admin");
    var adminKeys = AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey());
    try (IamClient iam = moto.noRetry(IamClient.builder().region(Region.AWS_GLOBAL), adminKeys);
        StsClient sts = moto.noRetry(StsClient.builder(), adminKeys)) {
      Made made = roleWithPolicy(iam, admin, "leaving", "ec2:DescribeVpcs");
      try (Ec2Client ec2 = session(sts, made.role())) {
        Supplier<String> answer = () -> {
          try {
            return "vpcs: " + ec2.describeVpcs().vpcs().size();
          } catch (AwsServiceException e) {
            return e.awsErrorDetails().errorCode();
          }
        };
        assertThat(MotoWithLimits.after(answer, a -> !a.startsWith("vpcs")))
            .as("once the attachment is in effect").startsWith("vpcs");
        // As DeleteRole's undo does: detach, then delete.
        iam.detachRolePolicy(b -> b.roleName("leaving").policyArn(made.policy()));
        iam.deleteRole(b -> b.roleName("leaving"));

        assertThat(answer.get()).as("right after DeleteRole").startsWith("vpcs");
        assertThat(MotoWithLimits.after(answer, a -> a.startsWith("vpcs")))
            .isEqualTo("UnauthorizedOperation");
        assertThat(answer.get()).as("and from then on").isEqualTo("UnauthorizedOperation");
      }
    }
  }

  private record Made(String role, String policy) {}

  /** A role the administrator may assume, with a managed policy of its name allowing the action. */
  private static Made roleWithPolicy(
      IamClient iam, MotoProcess.Admin admin, String name, String action) {
    String role = iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"" + admin.arn() + "\"},\"Action\":\"sts:AssumeRole\"}]}"))
        .role().arn();
    String policy = iam.createPolicy(b -> b.policyName(name).policyDocument(allow(action)))
        .policy().arn();
    iam.attachRolePolicy(b -> b.roleName(name).policyArn(policy));
    return new Made(role, policy);
  }

  /** EC2 as a session of the role, once the role may be assumed. */
  private static Ec2Client session(StsClient sts, String role) throws InterruptedException {
    var c = MotoWithLimits.after(() -> {
      try {
        return sts.assumeRole(b -> b.roleArn(role).roleSessionName("s")).credentials();
      } catch (AwsServiceException notYet) {
        return null;
      }
    }, x -> x == null);
    return moto.noRetry(Ec2Client.builder(),
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  private static String allow(String action) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\""
        + action + "\",\"Resource\":\"*\"}]}";
  }

  private static String simulated(IamClient iam, String role, String action) {
    EvaluationResult result = iam.simulatePrincipalPolicy(b -> b.policySourceArn(role).actionNames(action))
        .evaluationResults().get(0);
    return result.evalDecisionAsString();
  }
}
