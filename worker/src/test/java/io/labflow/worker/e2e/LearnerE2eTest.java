package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A learner does the challenge lab by hand: with the credentials the lab issues (a session of the
 * learner role {@code labflow-L-learner}, assumed by the worker's principal as {@code labflow
 * credentials} does), through the AWS SDK as a person would use the CLI, makes eleven typical
 * mistakes, each refused by AWS or answered by {@code labflow check} with a failed condition of
 * its own, then does every task right and reaches 100%. The teardown leaves nothing in moto by the
 * complete inventory ({@code scripts/lib/moto_inventory.py}), the learner's resources included.
 */
@ExtendWith(LocalStack.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@Tag("e2e")
class LearnerE2eTest {

  private static final String LAB = "le-1";
  private static final String ROLE = "labflow-" + LAB + "-role";
  private static final String POLICY = "labflow-" + LAB + "-s3";
  private static final String PROFILE = ROLE; // named like the role, as the IAM console does

  private static ChallengeStack stack;
  private static LocalStack.Stack local;

  @BeforeAll
  static void start(LocalStack.Stack s) throws Exception {
    local = s;
    stack = new ChallengeStack(s, "learner", "e2e-learner");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** What each mistake's check said: task, then its failed conditions and what was found. */
  private final Map<String, String> mistakes = new LinkedHashMap<>();

  @Test
  void aLearnerMakesTypicalMistakesEachWithItsOwnMessageThenReaches100PercentAndLeavesNothing()
      throws Exception {
    List<String> run = new ArrayList<>(List.of("run", ChallengeStack.DEFINITION.toString(),
        "--lab-id", LAB));
    run.addAll(stack.params());
    Cli.Result live = stack.labflow(run.toArray(String[]::new));
    assertThat(live.exitCode()).as(live.all() + stack.worker.tail()).isZero();
    assertThat(live.out()).contains("Learner tasks", "<- current", "What create-role asks:\n"
        + "  > Because we're creating a service role,", "the IAM role **labflow-" + LAB + "-role**");

    String bucket = output("bucketName");
    String instanceId = output("instanceId");
    String account = "123456789012";
    String boundary = "arn:aws:iam::" + account + ":policy/labflow-" + LAB + "-boundary";
    String policyArn = "arn:aws:iam::" + account + ":policy/" + POLICY;
    Credentials session = learnerSession(account);
    try (IamClient iam = IamClient.builder().endpointOverride(URI.create(stack.moto.endpoint()))
            .region(Region.AWS_GLOBAL).credentialsProvider(as(session)).build();
        Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(stack.moto.endpoint()))
            .region(Region.US_EAST_1).credentialsProvider(as(session)).build()) {

      // 1. A role without the lab's permissions boundary: AWS refuses it.
      IamException denied = catchThrowableOfType(IamException.class, () -> iam.createRole(b -> b
          .roleName(ROLE).assumeRolePolicyDocument(trust("{\"Service\":\"ec2.amazonaws.com\"}"))));
      assertThat(denied).as("CreateRole without the boundary").isNotNull();
      assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
      mistakes.put("role without the boundary", "AccessDenied: " + denied.awsErrorDetails().errorMessage());

      // Task create-role: 2. trusts Lambda, 3. trusts everyone.
      iam.createRole(b -> b.roleName(ROLE).permissionsBoundary(boundary)
          .assumeRolePolicyDocument(trust("{\"Service\":\"lambda.amazonaws.com\"}")));
      fails("create-role", "trust principal lambda");
      iam.updateAssumeRolePolicy(b -> b.roleName(ROLE).policyDocument(trust("{\"AWS\":\"*\"}")));
      fails("create-role", "trust *");
      iam.updateAssumeRolePolicy(b -> b.roleName(ROLE)
          .policyDocument(trust("{\"Service\":\"ec2.amazonaws.com\"}")));
      // The next task's instructions come with the answer, evaluated for this lab.
      assertThat(passes("create-role").out()).contains("Next task: create-policy\n"
          + "What create-policy asks:\n", "**labflow-" + LAB + "-s3**",
          "**" + output("bucketName") + "**");

      // Task create-policy: 4. Resource *, 5. Put too early, 6. only the objects.
      iam.createPolicy(b -> b.policyName(POLICY).policyDocument(policy(
          statement("[\"s3:ListBucket\",\"s3:GetObject\"]", "\"*\""))));
      fails("create-policy", "policy Resource *");
      newVersion(iam, policyArn, policy(
          statement("\"s3:ListBucket\"", "\"arn:aws:s3:::" + bucket + "\""),
          statement("[\"s3:GetObject\",\"s3:PutObject\"]", "\"arn:aws:s3:::" + bucket + "/*\"")));
      fails("create-policy", "Put allowed too early");
      newVersion(iam, policyArn, policy(
          statement("[\"s3:ListBucket\",\"s3:GetObject\"]", "\"arn:aws:s3:::" + bucket + "/*\"")));
      fails("create-policy", "only B/*");
      newVersion(iam, policyArn, readOnly(bucket));
      passes("create-policy");

      // Task attach-policy: 7. checked before attaching.
      fails("attach-policy", "policy not attached");
      iam.attachRolePolicy(b -> b.roleName(ROLE).policyArn(policyArn));
      passes("attach-policy");

      // Task instance-profile: 8. no profile yet, 9. a profile without the role, 10. not on the
      // instance.
      fails("instance-profile", "checked before the profile exists");
      iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
      fails("instance-profile", "profile without the role");
      iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
      fails("instance-profile", "profile not on the instance");
      ec2.associateIamInstanceProfile(b -> b.instanceId(instanceId)
          .iamInstanceProfile(p -> p.name(PROFILE)));
      passes("instance-profile");

      // Task add-put: 11. Put added on every resource.
      newVersion(iam, policyArn, policy(
          statement("\"s3:ListBucket\"", "\"arn:aws:s3:::" + bucket + "\""),
          statement("\"s3:GetObject\"", "\"arn:aws:s3:::" + bucket + "/*\""),
          statement("\"s3:PutObject\"", "\"*\"")));
      fails("add-put", "Put added with Resource *");
      newVersion(iam, policyArn, policy(
          statement("\"s3:ListBucket\"", "\"arn:aws:s3:::" + bucket + "\""),
          statement("[\"s3:GetObject\",\"s3:PutObject\"]", "\"arn:aws:s3:::" + bucket + "/*\"")));
      Cli.Result last = passes("add-put");
      assertThat(last.out()).as(last.all()).containsPattern("Score (\\d+)/\\1 \\(100%\\)")
          .contains("Every task is done.");
    }

    assertThat(mistakes).as("mistakes").hasSizeGreaterThanOrEqualTo(10);
    assertThat(mistakes.values().stream().distinct().count())
        .as("each mistake its own answer: %s", mistakes).isEqualTo(mistakes.size());
    mistakes.forEach((what, said) -> System.out.printf("[figures] mistake %s -> %s%n", what,
        said.replace('\n', ' ')));

    Cli.Result status = stack.labflow("status", LAB);
    assertThat(status.out()).as(status.all()).contains("(100%)", "Every task is done.");
    Cli.Result down = stack.labflow("teardown", LAB);
    assertThat(down.exitCode()).as(down.all() + stack.worker.tail()).isZero();
    assertThat(stack.moto.completeInventory()).as("left after the teardown").isEmpty();
  }

  /** A failed check: exit 1, the task named, at least one failed condition with its message. */
  private void fails(String task, String mistake) {
    Cli.Result r = stack.labflow("check", LAB);
    assertThat(r.exitCode()).as(mistake + "\n" + r.all() + stack.worker.tail()).isEqualTo(1);
    assertThat(r.out()).as(mistake + "\n" + r.all())
        .startsWith("Task " + task + ": not passed\n").containsPattern("(?m)^  FAILED \\S+: \\S");
    mistakes.put(mistake, task + "\n" + r.out().lines()
        .filter(l -> l.startsWith("  FAILED") || l.trim().startsWith("found:"))
        .collect(Collectors.joining("\n")));
  }

  private Cli.Result passes(String task) {
    Cli.Result r = stack.labflow("check", LAB);
    assertThat(r.exitCode()).as(task + "\n" + r.all() + stack.worker.tail()).isZero();
    assertThat(r.out()).as(r.all()).startsWith("Task " + task + ": passed\n");
    return r;
  }

  /** A step output of the lab's provisioning (the stack's bucketName, instanceId). */
  private static String output(String name) {
    LabStatus status = local.client().newWorkflowStub(LabWorkflow.class, LAB).status();
    return status.steps().stream().map(StepStatus::outputs)
        .filter(o -> o != null && o.get(name) != null).map(o -> String.valueOf(o.get(name)))
        .findFirst().orElseThrow(() -> new AssertionError("no output " + name + " in " + status));
  }

  /** A session of the learner role, as the worker's principal (the one it trusts) takes it. */
  private static Credentials learnerSession(String account) {
    Map<String, String> env = stack.env();
    try (StsClient sts = StsClient.builder().endpointOverride(URI.create(stack.moto.endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
        .build()) {
      return sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/labflow-" + LAB
          + "-learner").roleSessionName("learner")).credentials();
    }
  }

  private static StaticCredentialsProvider as(Credentials c) {
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  /**
   * A new default version, as a learner who keeps at most five: the oldest non-default one goes
   * first when the policy has five.
   */
  private static void newVersion(IamClient iam, String arn, String document) {
    var versions = iam.listPolicyVersions(b -> b.policyArn(arn)).versions();
    if (versions.size() >= 5) {
      String oldest = versions.stream().filter(v -> !v.isDefaultVersion())
          .min((a, b) -> a.createDate().compareTo(b.createDate())).orElseThrow().versionId();
      iam.deletePolicyVersion(b -> b.policyArn(arn).versionId(oldest));
    }
    iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(document).setAsDefault(true));
  }

  private static String trust(String principal) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + principal + ",\"Action\":\"sts:AssumeRole\"}]}";
  }

  private static String statement(String actions, String resources) {
    return "{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":" + resources + "}";
  }

  private static String policy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  private static String readOnly(String bucket) {
    return policy(statement("\"s3:ListBucket\"", "\"arn:aws:s3:::" + bucket + "\""),
        statement("\"s3:GetObject\"", "\"arn:aws:s3:::" + bucket + "/*\""));
  }
}
