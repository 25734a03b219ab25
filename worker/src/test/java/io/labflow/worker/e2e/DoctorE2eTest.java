package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.client.Pollers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * {@code labflow doctor} on the local stack (a Temporal dev server with a worker polling, a moto
 * of its own with IAM enforced by the stack's evaluator, which also answers
 * {@code iam:SimulatePrincipalPolicy}), run as a CLI process with the environment a worker would
 * have and no site parameters (so labs verify by simulate, their default): as an administrator, as
 * a user holding the shipped worker policy (its managed policies; without, then with, the
 * simulator on itself), as one holding it minus {@code iam:AttachRolePolicy}, and on an account
 * filled to its VPC quota (the moto enforces AWS's default quotas, {@code LABFLOW_AWS_QUOTAS=default})
 * and as a user that may not read the VPCs.
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DoctorE2eTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String QUEUE = "e2e-doctor";
  static final String REMOVED = "iam:AttachRolePolicy";
  static final Duration ANSWER = Duration.ofMinutes(2);

  static LocalStack.Stack stack;
  static EnforcedMoto moto;
  static IamClient admin;
  /** The shipped worker policy as it is installed: its managed policies. */
  static List<String> shipped;

  @BeforeAll
  static void setUp(LocalStack.Stack s) throws Exception {
    stack = s;
    // The worker is on the run's moto, not on this class's: it starts while that moto does.
    ManagedProcess worker = s.startWorker("doctor-worker", QUEUE);
    moto = new EnforcedMoto(s.logDir(), "moto-doctor", "doctor-admin",
        MotoProcess.Limits.NONE.withQuotas("default"));
    admin = moto.iam();
    shipped = shippedPolicies();
    worker.awaitLog("polling", Duration.ofSeconds(60));
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void asAnAdministratorEveryRowIsOkAndAQueueNoWorkerPollsFailsItsRow() {
    Map<String, String> env = env(moto.awsEnv());
    Cli.Result r = Cli.runWithin(ANSWER, env, "doctor");
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.out()).containsPattern(row("OK", "AWS identity", moto.adminArn + " (account 123456789012)"))
        .containsPattern(row("OK", "account guard", "account 123456789012 is allowed"))
        .containsPattern(row("OK", "AWS region and endpoint", "us-east-1 at " + moto.endpoint()))
        .containsPattern(row("OK", "permissions iam-service-role-lab", "all "))
        .containsPattern(row("OK", "quota L-F678F1CE VPCs per Region",
            "used 1, need 1, quota 5: fits (a lab of iam-service-role-lab)"))
        .containsPattern(row("OK", "preflight iam-service-role-lab", "verification by simulate will work"))
        .containsPattern(row("OK", "Temporal", "answers at " + stack.temporalAddress()))
        .containsPattern(row("OK", "task queue " + QUEUE, "a worker polls it"))
        .doesNotContain(env.get("AWS_SECRET_ACCESS_KEY"))
        .containsPattern(CHALLENGE_NEEDS_PRINCIPAL)
        .doesNotContainPattern(NOTHING_ELSE_FAILS_OR_IS_UNKNOWN);

    Map<String, String> off = new java.util.HashMap<>(env);
    off.put("LABFLOW_QUOTAS", "off");
    Cli.Result nobody = Cli.runWithin(ANSWER, off, "doctor", "--task-queue", "e2e-doctor-nobody");
    assertThat(nobody.exitCode()).as(nobody.all()).isEqualTo(1);
    assertThat(nobody.out()).containsPattern(
        row("FAIL", "task queue e2e-doctor-nobody", Pollers.none("e2e-doctor-nobody")))
        .containsPattern(row("OK", "quotas", "not checked: LABFLOW_QUOTAS=off"))
        .doesNotContain("L-F678F1CE");
  }

  @Test
  void asTheShippedWorkerPolicyNoRowFailsAndWithSimulateOnItselfEveryPermissionIsChecked() {
    String user = "worker-labflow-doctor";
    String arn = "arn:aws:iam::123456789012:user/" + user;
    Map<String, String> env = userWith(user, shipped);
    Cli.Result r = Cli.runWithin(ANSWER, env, "doctor");
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.out())
        .containsPattern(row("OK", "AWS identity", arn + " (account 123456789012)"))
        .containsPattern(row("UNKNOWN", "permissions iam-service-role-lab", arn
            + " may not call iam:SimulatePrincipalPolicy on itself, so the "))
        .contains("to have them checked, grant it that action on its own ARN")
        .containsPattern(row("OK", "preflight iam-service-role-lab", "verification by simulate will work"))
        .doesNotContain(env.get("AWS_SECRET_ACCESS_KEY"))
        .doesNotContainPattern("(?m)^FAIL");

    simulateItself(user, arn);
    Cli.Result checked = Cli.runWithin(ANSWER, env, "doctor");
    assertThat(checked.exitCode()).as(checked.all()).isZero();
    assertThat(checked.out())
        .containsPattern(row("OK", "permissions iam-service-role-lab", "all "))
        .containsPattern(CHALLENGE_NEEDS_PRINCIPAL)
        .doesNotContainPattern(NOTHING_ELSE_FAILS_OR_IS_UNKNOWN);
  }

  @Test
  void withOneActionMissingThePermissionRowNamesItAndTheFix() throws Exception {
    String user = "worker-labflow-minus";
    String arn = "arn:aws:iam::123456789012:user/" + user;
    Map<String, String> env = userWith(user, without(shipped, REMOVED));
    simulateItself(user, arn);
    Cli.Result r = Cli.runWithin(ANSWER, env, "doctor");
    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).containsPattern(Pattern.compile("(?m)^FAIL +permissions"
        + " iam-service-role-lab +1 of \\d+ IAM actions not granted to " + Pattern.quote(arn + ": "
        + REMOVED + " (implicitDeny on arn:aws:iam::123456789012:role/labflow-")))
        .contains("fix: grant " + REMOVED + " to " + arn + ", as in the policy `labflow"
            + " worker-policy --definition iam-service-role-lab --account 123456789012 --region"
            + " us-east-1` prints")
        .containsPattern(Pattern.compile("(?m)^FAIL +permissions iam-service-role-challenge +1 of"
            + " \\d+ IAM actions not granted to " + Pattern.quote(arn + ": " + REMOVED + " (")))
        .doesNotContainPattern("(?m)^FAIL(?! +permissions iam-service-role-(lab|challenge) )");
  }

  @Test
  void onAnAccountFilledToItsVpcQuotaTheQuotaRowFailsWithThePreflightsFix() {
    List<String> vpcs = new ArrayList<>();
    try (var ec2 = moto.ec2()) {
      try {
        for (int i = 0; i < 4; i++) {
          vpcs.add(ec2.createVpc(b -> b.cidrBlock("10.9.0.0/16")).vpc().vpcId());
        }
        Cli.Result r = Cli.runWithin(ANSWER, env(moto.awsEnv()), "doctor");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        String fix = "request an increase to at least 6 through Service Quotas (aws service-quotas"
            + " request-service-quota-increase --service-code vpc --quota-code L-F678F1CE"
            + " --desired-value 6), or end other labs to free 1";
        assertThat(r.out()).containsPattern(row("FAIL", "quota L-F678F1CE VPCs per Region",
                "used 5, need 1, quota 5: SHORT by 1 (a lab of iam-service-role-lab); fix: " + fix))
            .containsPattern(row("OK", "quota L-A4707A72 Internet gateways per Region",
                "used 0, need 1, quota 5: fits"))
            .containsPattern(row("FAIL", "preflight iam-service-role-lab",
                "preflight: quota L-F678F1CE (VPCs per Region) is too small for this lab: used 5,"
                    + " need 1, quota 5; " + fix))
            .doesNotContainPattern("(?m)^FAIL(?! +(quota L-F678F1CE|preflight) )");
      } finally {
        vpcs.forEach(v -> ec2.deleteVpc(b -> b.vpcId(v)));
      }
    }
  }

  @Test
  void withoutTheQuotaUsagePermissionTheQuotaRowIsUnknownNamingIt() throws Exception {
    Map<String, String> env = userWith("worker-labflow-novpcs", without(shipped, "ec2:DescribeVpcs"));
    Cli.Result r = Cli.runWithin(ANSWER, env, "doctor");
    assertThat(r.out()).as(r.all()).containsPattern(row("UNKNOWN", "quotas iam-service-role-lab",
            "not read (cannot read the quota usage: ec2:DescribeVpcs answered "))
        .contains("the worker needs that permission); a lab needs L-F678F1CE (VPCs per Region): 1"
            + " per lab, L-A4707A72 (Internet gateways per Region): 1 per lab")
        .doesNotContain("quota L-F678F1CE VPCs");
  }

  /**
   * The quota rows count the stack template the site parameters name (the VPC template, where the
   * definition's default names a topic), as the worker's runs will: before, they read {@code
   * templates/${params.template}} as written and showed no quota row.
   */
  @Test
  void theQuotaRowsCountTheTemplateTheSiteParametersName(@TempDir Path dir) throws Exception {
    io.labflow.activities.testing.Lab.defaultedTemplateDefinition(dir);
    Map<String, String> env = env(moto.awsEnv());
    env.put("LABFLOW_DEFINITIONS_DIR", dir.toString());
    Cli.Result r = Cli.runWithin(ANSWER, env, "doctor", "--definition", "param-default",
        "--site-parameters", "{\"template\": \"env.yaml\"}");
    assertThat(r.out()).as(r.all()).containsPattern(row("OK", "quota L-F678F1CE VPCs per Region",
        "used 1, need 1, quota 5: fits (a lab of param-default)"));
  }

  /**
   * The challenge's learner access trusts whoever hands out the learner's credentials: without a
   * site value for it (none here), a run must give one, so doctor cannot run its preflight.
   */
  static final Pattern CHALLENGE_NEEDS_PRINCIPAL = row("UNKNOWN", "preflight iam-service-role-challenge",
      "a lab of it needs run parameters, so its preflight cannot run here (request:"
          + " parameters.trustedPrincipalArn: missing required parameter 'trustedPrincipalArn':"
          + " step 'learner-access' (CreateLearnerAccess) needs it for its trustedPrincipalArn)");

  static final Pattern NOTHING_ELSE_FAILS_OR_IS_UNKNOWN =
      Pattern.compile("(?m)^(FAIL|UNKNOWN)(?! +preflight iam-service-role-challenge )");

  /** A line of the table, its detail starting with {@code detail} (literal). */
  static Pattern row(String verdict, String check, String detail) {
    return Pattern.compile("(?m)^" + verdict + " +" + Pattern.quote(check) + " +"
        + Pattern.quote(detail));
  }

  /**
   * The CLI's environment: the stack's Temporal and worker queue, this moto as these credentials,
   * its quotas checked (this moto enforces them).
   */
  static Map<String, String> env(Map<String, String> aws) {
    Map<String, String> env = stack.env(QUEUE);
    env.put("LABFLOW_QUOTAS", "check");
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    env.put("LABFLOW_SITE_PARAMETERS", "");
    env.putAll(aws);
    return env;
  }

  /**
   * The shipped worker policy's managed policies: {@code definitions/worker-policy-N.json} when it
   * is cut into parts, else {@code definitions/worker-policy.json}.
   */
  static List<String> shippedPolicies() throws Exception {
    Path dir = Tools.repoRoot().resolve("definitions");
    List<Path> files;
    try (Stream<Path> all = Files.list(dir)) {
      files = all.filter(p -> p.getFileName().toString().matches("worker-policy-\\d+\\.json"))
          .sorted().toList();
    }
    List<String> out = new ArrayList<>();
    for (Path p : files.isEmpty() ? List.of(dir.resolve("worker-policy.json")) : files) {
      out.add(Files.readString(p));
    }
    return out;
  }

  /** A user holding {@code policies} as managed policies (as on AWS); its CLI environment. */
  static Map<String, String> userWith(String user, List<String> policies) {
    admin.createUser(b -> b.userName(user));
    for (int i = 0; i < policies.size(); i++) {
      String name = user + "-" + (i + 1);
      String document = policies.get(i);
      String policyArn = admin.createPolicy(b -> b.policyName(name).policyDocument(document))
          .policy().arn();
      admin.attachUserPolicy(b -> b.userName(user).policyArn(policyArn));
    }
    var key = admin.createAccessKey(b -> b.userName(user)).accessKey();
    Map<String, String> aws = new java.util.HashMap<>(moto.awsEnv());
    aws.put("AWS_ACCESS_KEY_ID", key.accessKeyId());
    aws.put("AWS_SECRET_ACCESS_KEY", key.secretAccessKey());
    return env(aws);
  }

  /** The one grant docs/real-aws.md adds for doctor: the simulator on the worker's own ARN. */
  static void simulateItself(String user, String arn) {
    admin.putUserPolicy(b -> b.userName(user).policyName("labflow-doctor").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "\"iam:SimulatePrincipalPolicy\",\"Resource\":\"" + arn + "\"}]}"));
  }

  /** The policies without one action. */
  static List<String> without(List<String> policies, String action) throws Exception {
    List<String> out = new ArrayList<>();
    for (String p : policies) {
      out.add(without(p, action));
    }
    return out;
  }

  /** The policy without one action (and without its statement if nothing else is left in it). */
  static String without(String policy, String action) throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree(policy);
    ArrayNode statements = (ArrayNode) doc.get("Statement");
    for (int i = statements.size() - 1; i >= 0; i--) {
      JsonNode actions = statements.get(i).get("Action");
      if (actions.isTextual() ? actions.asText().equals(action) : removeFrom((ArrayNode) actions, action)) {
        statements.remove(i);
      }
    }
    assertThat(JSON.writeValueAsString(doc)).doesNotContain("\"" + action + "\"");
    return JSON.writeValueAsString(doc);
  }

  /** Removes the action; true when the array is then empty. */
  private static boolean removeFrom(ArrayNode actions, String action) {
    for (int i = actions.size() - 1; i >= 0; i--) {
      if (actions.get(i).asText().equals(action)) {
        actions.remove(i);
      }
    }
    return actions.isEmpty();
  }
}
