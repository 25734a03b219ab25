package io.labflow.worker.e2e;

import static io.labflow.workflows.testing.Failures.rootApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The real lab ({@code definitions/iam-service-role-lab.yaml}) on the real Temporal dev server, run
 * by a worker process that holds exactly the shipped {@code definitions/worker-policy.json},
 * unwidened (every resource and every {@code Condition} as shipped), on a moto of its own whose
 * requests the local stack's IAM evaluator authorizes ({@code LABFLOW_WORKER_AS=policy}: the role
 * {@code worker-labflow}, assumed, as docs/real-aws.md tells operators to name it).
 *
 * <p>The lab file is the shipped one, unchanged: AccessDenied is never retried, so a run missing
 * an action fails at once.
 */
@ExtendWith(LocalStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("e2e")
class LeastPrivilegeE2eTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEFINITION = "iam-service-role-lab";
  static final String REMOVED = "iam:AttachRolePolicy";
  static final String QUEUE = "e2e-least-privilege";

  /** A namespace of its own: the schedule test counts every closed LabResetWorkflow of "default". */
  static final String NAMESPACE = "least-privilege";

  @TempDir static Path dir;
  static LocalStack.Stack stack;
  static WorkflowClient client;
  static EnforcedMoto moto;
  static String endpoint;
  static Path definitions;
  static IamClient admin;
  static CloudFormationClient adminCfn;
  /** The worker as the shipped policy. */
  static ManagedProcess worker;
  static int metricsPort;

  @BeforeAll
  static void setUp(LocalStack.Stack s) throws Exception {
    stack = s;
    // The namespace is made while the moto starts.
    CompletableFuture<WorkflowClient> namespace = CompletableFuture.supplyAsync(() -> s.namespace(NAMESPACE));
    moto = new EnforcedMoto(s.logDir(), "moto-least-privilege", MotoProcess.WorkerAs.POLICY);
    client = namespace.join();
    endpoint = moto.endpoint();
    admin = moto.iam();
    adminCfn = moto.cfn();
    definitions = Tools.repoRoot().resolve("definitions");
    Map<String, String> env = env(QUEUE);
    env.putAll(moto.workerEnv());
    // A free metrics port: the default one may be another worker's (the stack's, a parallel JVM's).
    worker = ManagedProcess.start("worker-shipped-policy",
        Jvm.command("worker", "--metrics-port", "0"), env, s.logDir());
    worker.awaitLog("polling", Duration.ofSeconds(60));
    metricsPort = LocalStack.metricsPort(worker);
  }

  @AfterAll
  static void tearDown() {
    if (worker != null) {
      worker.close();
    }
    if (admin != null) {
      admin.close();
      adminCfn.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  /** The CLI's and worker's environment: the stack's Temporal, this moto, the shipped definitions. */
  static Map<String, String> env(String queue) {
    Map<String, String> env = stack.env(queue);
    env.put("TEMPORAL_NAMESPACE", NAMESPACE);
    env.put("AWS_ENDPOINT_URL", endpoint);
    env.put("LABFLOW_DEFINITIONS_DIR", definitions.toString());
    return env;
  }

  /** What {@code labflow worker-policy --definition} prints for the lab, unwidened. */
  static String generatedPolicy(String queue) {
    Cli.Result policy = Cli.run(env(queue), "worker-policy", "--definition", DEFINITION);
    assertThat(policy.exitCode()).as(policy.all()).isZero();
    assertThat(policy.out()).contains("\"iam:PassRole\"", "arn:aws:iam::*:role/labflow-*");
    return policy.out();
  }

  /** A policy without one action (and without a statement that had only it). */
  static String without(String policy, String without) throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(policy);
    ArrayNode statements = (ArrayNode) doc.get("Statement");
    for (int i = statements.size() - 1; i >= 0; i--) {
      ArrayNode actions = (ArrayNode) statements.get(i).get("Action");
      for (int a = actions.size() - 1; a >= 0; a--) {
        if (actions.get(a).asText().equals(without)) {
          actions.remove(a);
        }
      }
      if (actions.isEmpty()) {
        statements.remove(i);
      }
    }
    return JSON.writeValueAsString(doc);
  }

  record Worker(ManagedProcess process, String arn, int metricsPort) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  /** A user holding {@code policy} (a managed policy, as on AWS), and a worker process as that user. */
  static Worker workerAs(String user, String policy, String queue, Map<String, String> extraEnv)
      throws Exception {
    String arn = admin.createUser(b -> b.userName(user)).user().arn();
    String policyArn = admin.createPolicy(b -> b.policyName(user).policyDocument(policy)).policy().arn();
    admin.attachUserPolicy(b -> b.userName(user).policyArn(policyArn));
    var key = admin.createAccessKey(b -> b.userName(user)).accessKey();
    Map<String, String> env = env(queue);
    env.put("AWS_ACCESS_KEY_ID", key.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", key.secretAccessKey());
    env.putAll(extraEnv);
    ManagedProcess p = ManagedProcess.start("worker-" + user,
        Jvm.command("worker", "--metrics-port", "0"), env, stack.logDir());
    p.awaitLog("polling", Duration.ofSeconds(60));
    return new Worker(p, arn, LocalStack.metricsPort(p));
  }

  static String[] probe(String labId, String arn) {
    return new String[] {"run", DEFINITION, "--lab-id", labId, "-p", "verifyMethod=probe",
        "-p", "trustedPrincipalArn=" + arn, "-p", "verifyBudgetSeconds=20"};
  }

  /** Roles, policies, profiles and live stacks whose name carries the lab id. */
  static List<String> leftOver(String labId) {
    List<String> out = new ArrayList<>();
    admin.listRolesPaginator().roles().stream().filter(r -> r.roleName().contains(labId))
        .forEach(r -> out.add("role " + r.roleName()));
    admin.listPoliciesPaginator(b -> b.scope("Local")).policies().stream()
        .filter(p -> p.policyName().contains(labId)).forEach(p -> out.add("policy " + p.policyName()));
    admin.listInstanceProfilesPaginator().instanceProfiles().stream()
        .filter(p -> p.instanceProfileName().contains(labId))
        .forEach(p -> out.add("profile " + p.instanceProfileName()));
    adminCfn.describeStacksPaginator().stacks().stream()
        .filter(s -> s.stackName().contains(labId) && s.stackStatus() != StackStatus.DELETE_COMPLETE)
        .forEach(s -> out.add("stack " + s.stackName()));
    return out;
  }

  /** A step's verification: its method and its matrix as action -> allowed. */
  @SuppressWarnings("unchecked")
  static String verification(String labId, String step) {
    LabStatus status = client.newWorkflowStub(LabWorkflow.class, labId).status();
    Map<String, Object> outputs = status.steps().stream().filter(s -> s.id().equals(step))
        .findFirst().orElseThrow().outputs();
    Map<String, Object> matrix = new TreeMap<>();
    for (Object cell : (List<Object>) outputs.get("matrix")) {
      matrix.put((String) ((Map<String, Object>) cell).get("action"), ((Map<String, Object>) cell).get("allowed"));
    }
    return outputs.get("method") + " " + matrix;
  }

  static final String READ_ONLY = "{s3:GetObject=true, s3:ListBucket=true, s3:PutObject=false}";
  static final String READ_WRITE = "{s3:GetObject=true, s3:ListBucket=true, s3:PutObject=true}";

  static Cli.Result cli(String... args) {
    Cli.Result r = Cli.run(env(QUEUE), args);
    assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.all() + worker.tail()).isZero();
    return r;
  }

  @Test
  @Order(1)
  void theWholeLabItsSweepAndAFleetNightRunAsTheShippedPolicyUnwidenedLeavingNothing()
      throws Exception {
    String labId = "lp-full";
    String role = moto.trustedPrincipalArn();
    assertThat(role).isEqualTo("arn:aws:iam::123456789012:role/worker-labflow");
    // The role holds the shipped policy as it is: every statement of worker-policy.json, in order,
    // in its managed policies (the parts worker-policy-N.json when it is split).
    ArrayNode held = JSON.createArrayNode();
    for (var attached : admin.listAttachedRolePolicies(b -> b.roleName("worker-labflow"))
        .attachedPolicies().stream().sorted(Comparator.comparing(p -> p.policyName())).toList()) {
      String document = admin.getPolicyVersion(b -> b.policyArn(attached.policyArn()).versionId("v1"))
          .policyVersion().document();
      held.addAll((ArrayNode) JSON.readTree(URLDecoder.decode(document, StandardCharsets.UTF_8))
          .get("Statement"));
    }
    assertThat(held).as("the worker's policies are the shipped file, unchanged")
        .isEqualTo(JSON.readTree(definitions.resolve("worker-policy.json").toFile()).get("Statement"));
    assertThat(moto.completeInventory()).as("the emulator before the lab").isEmpty();

    // Provision and verify by simulate, switch and verify again, tear down.
    assertThat(cli("run", DEFINITION, "--lab-id", labId, "-p", "verifyMethod=simulate",
        "-p", "trustedPrincipalArn=" + role).out()).contains("Lab " + labId + " is LIVE");
    assertThat(verification(labId, "verify-access")).isEqualTo("simulate " + READ_ONLY);
    cli("switch-variant", labId, "read-write");
    assertThat(verification(labId, "verify-after-switch")).isEqualTo("simulate " + READ_WRITE);
    cli("teardown", labId);
    assertThat(moto.completeInventory()).as("left after the teardown").isEmpty();

    // The nightly reset with no open run: the sweep deletes a stray by tag, then a fresh lab,
    // verified by probe (the worker's role assumes the lab's role).
    admin.createRole(b -> b.roleName("labflow-" + labId + "-stray")
        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
        .tags(Tag.builder().key("labflow:lab").value(labId).build(),
            Tag.builder().key("labflow:namespace").value(NAMESPACE).build()));
    // labflow leaks as the worker itself, the shipped policy: the stray, tagged for a lab no run
    // owns any more, is LEAKED; the tags it may not read are its own role's and policies' only.
    Map<String, String> asWorker = env(QUEUE);
    asWorker.putAll(moto.workerEnv());
    Cli.Result leaks = Cli.run(asWorker, "leaks");
    assertThat(leaks.exitCode()).as(leaks.all()).isEqualTo(1);
    assertThat(leaks.out()).containsPattern("(?m)^lp-full +roles=1 +LEAKED: none open; its last"
            + " run \\S+ ended COMPLETED \\(last LabState TORN_DOWN\\) at ")
        .containsPattern("Tags these credentials may not read \\(AccessDenied\\), so a lab's"
            + " resource among them would not show: 1 role \\(worker-labflow\\), [0-9]+"
            + " polic(y|ies) \\(arn:aws:iam::123456789012:policy/worker-labflow[^)]*\\)\\. ")
        .doesNotContain("Not read,");
    JsonNode deniedJson = JSON.readTree(Cli.run(asWorker, "leaks", "--json").out()).get("denied");
    assertThat(deniedJson.get("roles").toString()).isEqualTo("[\"worker-labflow\"]");
    assertThat(deniedJson.get("policies").get(0).asText()).contains(":policy/worker-labflow");
    LabResetWorkflow reset = client.newWorkflowStub(LabResetWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("reset-" + labId).setTaskQueue(QUEUE).build());
    ResetResult result = reset.reset(RawJson.of(new ResetRequest(labId, DEFINITION, "read-only", Map.of(
        "verifyMethod", "probe", "trustedPrincipalArn", role, "verifyBudgetSeconds", 20))));
    assertThat(result.cleanup()).isEqualTo("DELETED_BY_TAG");
    assertThat(result.sweptByTag()).contains("labflow-" + labId + "-stray");
    assertThat(result.state()).isEqualTo(LabState.LIVE);
    assertThat(verification(labId, "verify-access")).isEqualTo("probe " + READ_ONLY);
    cli("teardown", labId);
    assertThat(leftOver(labId)).isEmpty();
    assertThat(moto.completeInventory()).as("left after the reset's lab was torn down").isEmpty();

    // A fleet night of three labs, each verified by the lab's default (simulate), then torn down.
    Path fleet = dir.resolve("lp-fleet.yaml");
    Files.writeString(fleet, "name: lp-fleet\ndefinition: " + DEFINITION + "\n"
        + "parameters: {trustedPrincipalArn: \"" + role + "\"}\n"
        + "labs: {prefix: lpf-, count: 3}\nschedule:\n  cron: \"0 3 * * *\"\nconcurrency: 3\n");
    cli("fleet", "apply", fleet.toString());
    FleetReport night = FleetE2eTest.night(client, env(QUEUE), "lp-fleet", 1, worker);
    assertThat(night.labs()).extracting(LabReport::outcome).as(worker.tail())
        .containsExactly(LabReport.Outcome.OK, LabReport.Outcome.OK, LabReport.Outcome.OK);
    for (String lab : List.of("lpf-01", "lpf-02", "lpf-03")) {
      assertThat(verification(lab, "verify-access")).isEqualTo("simulate " + READ_ONLY);
    }
    assertThat(cli("fleet", "delete", "lp-fleet", "--teardown-labs").out())
        .contains("Tore down 3 of 3 labs");
    assertThat(moto.completeInventory()).as("left after the fleet's labs were torn down").isEmpty();

    // The shipped policy may not read the tags of the worker's own role and policies (not
    // labflow-*): each was read, denied and logged once, however many inventories ran since
    // (before: once per inventory, each a denial in the account's CloudTrail).
    Map<String, Long> denied = Files.readAllLines(worker.log()).stream()
        .map(Pattern.compile("cannot read the tags of (\\S+ \\S+) ")::matcher)
        .filter(Matcher::find)
        .collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
    assertThat(denied).containsKey("role worker-labflow")
        .allSatisfy((entity, lines) -> assertThat(lines).as(entity).isEqualTo(1L));
  }

  /**
   * A sweep the shipped policy runs into a VPC of the lab that holds a subnet not the lab's: AWS's
   * DependencyViolation, not AccessDenied, stops it; status, leaks and the worker's gauge say so;
   * once the subnet is gone the sweep deletes the VPC. It follows lp-full's last run (test 1).
   */
  @Test
  @Order(2)
  void aSweepBlockedByASubnetNotTheLabsSaysWhatBlocksItAndEndsOnceItIsGone() throws Exception {
    String labId = "lp-full";
    String vpc;
    String subnet;
    try (var ec2 = moto.ec2()) {
      vpc = ec2.createVpc(b -> b.cidrBlock("10.78.0.0/16").tagSpecifications(t -> t
          .resourceType(ResourceType.VPC).tags(g -> g.key("labflow:lab").value(labId),
              g -> g.key("labflow:namespace").value(NAMESPACE)))).vpc().vpcId();
      subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.78.1.0/24")).subnet().subnetId();
      Cli.Result blocked = Cli.run(env(QUEUE), "leaks", "--sweep", labId, "--wait", "2m");
      assertThat(blocked.exitCode()).as(blocked.all()).isEqualTo(1);
      assertThat(blocked.all()).contains("sweep of lab " + labId + " stopped: the sweep could not"
          + " finish and no fresh lab was started", "VPC " + vpc + ": ", "DependencyViolation",
          "it holds [subnet " + subnet + "], not tagged for lab " + labId + ", left as they are")
          .doesNotContain("AccessDenied");
      assertThat(cli("status", labId).out()).contains("Reset reset-" + labId + " ended FAILED at ",
          " (Sweep lab " + labId + " (labflow leaks --sweep)): sweep of lab " + labId + " stopped: ",
          "Still there: vpcs=[" + vpc + "]");
      Map<String, String> asWorker = env(QUEUE);
      asWorker.putAll(moto.workerEnv());
      Cli.Result leaks = Cli.run(asWorker, "leaks");
      assertThat(leaks.out().lines()).as(leaks.all()).anySatisfy(l -> assertThat(l)
          .startsWith(labId + " ").contains(" vpcs=1 ", " LEAKED: none open; its last run ",
              "; reset-" + labId + " ended FAILED at ")
          .endsWith(" (labflow status " + labId + " says why)"));
      String left = "labflow_lab_left{lab=\"" + labId + "\",state=\"RESET_FAILED\"} 1.0";
      long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!WorkerRuntimeE2eTest.scrape(metricsPort).contains(left) && System.nanoTime() < seen) {
        Thread.sleep(500);
      }
      assertThat(WorkerRuntimeE2eTest.scrape(metricsPort)).contains(left);
      ec2.deleteSubnet(b -> b.subnetId(subnet));
    }
    Cli.Result sweep = cli("leaks", "--sweep", labId, "--wait", "2m");
    assertThat(sweep.out()).contains("Sweep reset-" + labId + " completed: lab " + labId
        + " has nothing left that carries its tag", "vpcs=[" + vpc + "]");
    assertThat(moto.completeInventory()).as("left after the sweep").isEmpty();
  }

  @Test
  void withoutOneActionTheRunFailsAtTheStepThatNeedsItNamingAccessDeniedAndRollsBack()
      throws Exception {
    String queue = "e2e-least-privilege-minus";
    String labId = "lp-minus";
    Map<String, String> env = env(queue);
    try (Worker w = workerAs("worker-minus", without(generatedPolicy(queue), REMOVED), queue, Map.of())) {
      Cli.Result run = Cli.run(env, probe(labId, w.arn()));
      assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
      LabStatus status = client.newWorkflowStub(LabWorkflow.class, labId).status();
      assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
      StepStatus attach = status.steps().stream().filter(s -> s.id().equals("attach-policy"))
          .findFirst().orElseThrow();
      // The step failed; its own compensation (registered before the call) ran in the rollback.
      assertThat(attach.state()).isEqualTo(StepState.COMPENSATED);
      System.out.println("attach-policy's last error: " + attach.lastError());
      assertThat(String.valueOf(attach.lastError())).contains("AccessDenied", "AttachRolePolicy");
      for (String done : List.of("create-stack", "create-role", "create-policy")) {
        assertThat(status.steps()).filteredOn(s -> s.id().equals(done))
            .extracting(StepStatus::state).containsExactly(StepState.COMPENSATED);
      }
      WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
          () -> WorkflowStub.fromTyped(client.newWorkflowStub(LabWorkflow.class, labId))
              .getResult(LabResult.class));
      assertThat(rootApplicationFailure(failed).getOriginalMessage())
          .startsWith("step 'attach-policy' (AttachRolePolicy) failed: ")
          .contains("AccessDenied")
          .endsWith("rolled back: attach-policy, create-policy, create-role, create-stack;"
              + " could not roll back: none");
      assertThat(leftOver(labId)).isEmpty();
    }
  }

  @Test
  void anAccountNotAllowedEndsTheRunBeforeAnyMutationWithTheSentence() throws Exception {
    String queue = "e2e-account-refused";
    String labId = "lp-refused";
    Map<String, String> env = env(queue);
    try (Worker w = workerAs("worker-refused", generatedPolicy(queue), queue,
        Map.of("LABFLOW_ALLOWED_ACCOUNTS", "111122223333"))) {
      Cli.Result run = Cli.run(env, probe(labId, w.arn()));
      assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
      WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
          () -> WorkflowStub.fromTyped(client.newWorkflowStub(LabWorkflow.class, labId))
              .getResult(LabResult.class));
      ApplicationFailure refusal = rootApplicationFailure(failed);
      assertThat(refusal.getType()).isEqualTo("AccountNotAllowed");
      assertThat(refusal.getOriginalMessage()).isEqualTo("labflow refuses to act in AWS account"
          + " 123456789012 (" + w.arn() + " on the endpoint " + endpoint + "): it is not among the"
          + " allowed accounts 111122223333; if it is meant for labs, add it to"
          + " LABFLOW_ALLOWED_ACCOUNTS in the worker's environment.");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + w.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("^labflow_aws_calls_total\\{[^}]*operation=\"([A-Za-z]+)\"[^}]*} ([0-9.eE+-]+)$",
          Pattern.MULTILINE).matcher(metrics);
      List<String> made = new ArrayList<>();
      while (m.find()) {
        made.add(m.group(1) + "=" + m.group(2));
      }
      assertThat(made).as(metrics).containsExactly("GetCallerIdentity=1.0");
      assertThat(leftOver(labId)).isEmpty();
    }
  }
}
