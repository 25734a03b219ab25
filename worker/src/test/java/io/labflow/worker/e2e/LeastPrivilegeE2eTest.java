package io.labflow.worker.e2e;

import static io.labflow.workflows.testing.Failures.rootApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The real lab ({@code definitions/iam-service-role-lab.yaml}) on the real Temporal dev server, run
 * by a worker process whose AWS user holds only the policy {@code labflow worker-policy
 * --definition} prints, on a moto of its own with IAM enforcement.
 *
 * <p>moto evaluates the actions of every request, but resources only for S3 (and the trust policy
 * of a role being assumed); it checks other calls against {@code "*"}, and it knows none of the
 * request context (tags, {@code aws:CalledVia}) that the policy's conditions read, so it denies a
 * conditioned statement. The worker's user therefore gets the generated statements with their
 * conditions dropped and, outside S3, their resources widened to {@code "*"}; the scoping itself is
 * proven over the document by {@code WorkerPolicyTest}. moto names DeleteObjects {@code
 * s3:DeleteObjects} (AWS authorizes it as {@code s3:DeleteObject}), so that name is added. What
 * CloudFormation does inside a stack is not authorized by moto at all.
 *
 * <p>The lab file is the shipped one, unchanged: AccessDenied is never retried, so the run missing
 * an action fails at once.
 */
@ExtendWith(LocalStack.class)
@org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("e2e")
class LeastPrivilegeE2eTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEFINITION = "iam-service-role-lab";
  static final String REMOVED = "iam:AttachRolePolicy";

  /** A namespace of its own: the schedule test counts every closed LabResetWorkflow of "default". */
  static final String NAMESPACE = "least-privilege";

  static LocalStack.Stack stack;
  static WorkflowClient client;
  static EnforcedMoto moto;
  static String endpoint;
  static Path definitions;
  static IamClient admin;
  static CloudFormationClient adminCfn;

  @BeforeAll
  static void setUp(LocalStack.Stack s) throws Exception {
    stack = s;
    client = s.namespace(NAMESPACE);
    moto = new EnforcedMoto(s.logDir(), "moto-least-privilege", "e2e-admin");
    endpoint = moto.endpoint();
    admin = moto.iam();
    adminCfn = moto.cfn();
    definitions = Tools.repoRoot().resolve("definitions");
  }

  @AfterAll
  static void tearDown() {
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

  /** What the generated policy becomes for moto (see the class comment). */
  static String forMoto(String generated, String without) throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(generated);
    ArrayNode statements = (ArrayNode) doc.get("Statement");
    for (int i = statements.size() - 1; i >= 0; i--) {
      List<String> only = new ArrayList<>();
      statements.get(i).get("Action").forEach(a -> only.add(a.asText()));
      if (only.equals(List.of(without == null ? "" : without))) {
        statements.remove(i);
      }
    }
    for (JsonNode n : statements) {
      ObjectNode st = (ObjectNode) n;
      st.remove("Condition");
      ArrayNode actions = (ArrayNode) st.get("Action");
      List<String> kept = new ArrayList<>();
      actions.forEach(a -> kept.add(a.asText()));
      kept.remove(without);
      if (kept.contains("s3:DeleteObject") && !kept.contains("s3:DeleteObjects")) {
        kept.add("s3:DeleteObjects");
      }
      actions.removeAll();
      kept.forEach(actions::add);
      boolean s3 = st.get("Resource").toString().contains("arn:aws:s3:::");
      if (!s3) {
        st.put("Resource", "*");
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
    int port = Tools.freePort();
    ManagedProcess p = ManagedProcess.start("worker-" + user,
        Jvm.command("worker", "--metrics-port", String.valueOf(port)), env, stack.logDir());
    p.awaitLog("polling", Duration.ofSeconds(60));
    return new Worker(p, arn, port);
  }

  static String generatedPolicy(String queue) {
    Cli.Result policy = Cli.run(env(queue), "worker-policy", "--definition", DEFINITION);
    assertThat(policy.exitCode()).as(policy.all()).isZero();
    return policy.out();
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

  @Test
  void theWholeLabAndTheNightlySweepRunWithOnlyTheGeneratedPolicy() throws Exception {
    String queue = "e2e-least-privilege";
    String labId = "lp-full";
    String generated = generatedPolicy(queue);
    assertThat(generated).contains("\"iam:PassRole\"", "arn:aws:iam::*:role/labflow-*");
    Map<String, String> env = env(queue);
    try (Worker w = workerAs("labflow-least", forMoto(generated, null), queue, Map.of())) {
      Cli.Result run = Cli.run(env, probe(labId, w.arn()));
      assertThat(run.exitCode()).as(run.all() + w.process().tail()).isZero();
      assertThat(run.out()).contains("Lab " + labId + " is LIVE");
      Cli.Result switched = Cli.run(env, "switch-variant", labId, "read-write");
      assertThat(switched.exitCode()).as(switched.all()).isZero();
      Cli.Result torn = Cli.run(env, "teardown", labId);
      assertThat(torn.exitCode()).as(torn.all()).isZero();
      assertThat(leftOver(labId)).isEmpty();

      // The nightly reset with no open run: the sweep deletes a stray by tag, then a fresh lab.
      admin.createRole(b -> b.roleName("labflow-" + labId + "-stray")
          .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
          .tags(Tag.builder().key("labflow:lab").value(labId).build(),
              Tag.builder().key("labflow:namespace").value(NAMESPACE).build()));
      LabResetWorkflow reset = client.newWorkflowStub(LabResetWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("reset-" + labId).setTaskQueue(queue).build());
      ResetResult result = reset.reset(RawJson.of(new ResetRequest(labId, DEFINITION, "read-only", Map.of(
          "verifyMethod", "probe", "trustedPrincipalArn", w.arn(), "verifyBudgetSeconds", 20))));
      assertThat(result.cleanup()).isEqualTo("DELETED_BY_TAG");
      assertThat(result.sweptByTag()).contains("labflow-" + labId + "-stray");
      assertThat(result.state()).isEqualTo(LabState.LIVE);
      Cli.Result again = Cli.run(env, "teardown", labId);
      assertThat(again.exitCode()).as(again.all()).isZero();
      assertThat(leftOver(labId)).isEmpty();
    }
  }

  @Test
  void withoutOneActionTheRunFailsAtTheStepThatNeedsItNamingAccessDeniedAndRollsBack()
      throws Exception {
    String queue = "e2e-least-privilege-minus";
    String labId = "lp-minus";
    Map<String, String> env = env(queue);
    try (Worker w = workerAs("labflow-minus", forMoto(generatedPolicy(queue), REMOVED), queue, Map.of())) {
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
    try (Worker w = workerAs("labflow-refused", forMoto(generatedPolicy(queue), null), queue,
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
