package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 17, case 1, exactly: the real lab LIVE in namespace {@code default}; a second namespace with
 * the lab search attributes and a worker of its own, on the same AWS account (a moto with IAM
 * enforced); a {@code LabResetWorkflow} started there for the same lab id. The reset's sweep and its
 * fresh lab touch nothing of the live lab, and the live lab still works (a variant switch verifies
 * access to its bucket).
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NamespaceResetE2eTest {

  static final String QUEUE = "e2e-namespace-reset";
  static final String OTHER = "battery2";
  static final String LAB = "r1-stack";
  static final String DEFINITION = "iam-service-role-lab";

  static LocalStack.Stack stack;
  static EnforcedMoto moto;
  static WorkflowClient other;
  static ManagedProcess defaultWorker;
  static ManagedProcess otherWorker;

  @BeforeAll
  static void start(LocalStack.Stack s) throws Exception {
    stack = s;
    // The namespace is made while the moto starts, and both workers start at once.
    CompletableFuture<WorkflowClient> namespace = CompletableFuture.supplyAsync(() -> s.namespace(OTHER));
    moto = new EnforcedMoto(s.logDir(), "moto-namespace-reset", "labflow-worker");
    other = namespace.join();
    defaultWorker = worker("worker-ns-default", "default");
    otherWorker = worker("worker-ns-" + OTHER, OTHER);
    defaultWorker.awaitLog("polling", Duration.ofSeconds(60));
    otherWorker.awaitLog("polling", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {defaultWorker, otherWorker, moto}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // Best effort at the end of the class.
      }
    }
  }

  /** A worker of this moto in {@code namespace}, started (not yet awaited). */
  static ManagedProcess worker(String name, String namespace) {
    Map<String, String> env = new LinkedHashMap<>(stack.env(QUEUE));
    env.putAll(moto.awsEnv());
    env.put("TEMPORAL_NAMESPACE", namespace);
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    // The site defaults scripts/stack gives a worker on moto, as in the reported run.
    env.put("LABFLOW_SITE_PARAMETERS", "{\"verifyMethod\":\"probe\",\"trustedPrincipalArn\":\""
        + moto.adminArn + "\",\"verifyBudgetSeconds\":20}");
    return ManagedProcess.start(name, Jvm.command("worker", "--metrics-port", "-1"), env,
        stack.logDir());
  }

  static final java.util.Set<LabState> SETTLED = java.util.EnumSet.of(LabState.LIVE,
      LabState.PAUSED, LabState.COMPLETED, LabState.ROLLED_BACK, LabState.FAILED);

  static LabStatus awaitSettled(LabWorkflow lab) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    LabStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = lab.status();
        if (SETTLED.contains(last.state())) {
          return last;
        }
      } catch (RuntimeException notYet) {
        // not started yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("lab never settled; last " + last + "\n" + defaultWorker.tail());
  }

  @Test
  void aResetInAnotherNamespaceLeavesTheLiveLabAndItsBucketUntouched() throws Exception {
    LabWorkflow live = stack.client().newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(LAB).setTaskQueue(QUEUE).build());
    WorkflowClient.start(live::run, RawJson.of(new LabRequest(DEFINITION, "read-only", LAB, null, null)));
    LabStatus up = awaitSettled(live);
    assertThat(up.state()).as("last error %s\n%s", up.lastError(), defaultWorker.tail())
        .isEqualTo(LabState.LIVE);
    String bucket = "labflow-" + LAB;
    try (S3Client s3 = moto.s3()) {
      s3.putObject(b -> b.bucket(bucket).key("results.txt"), RequestBody.fromString("live data"));
      Map<String, List<String>> before = moto.inventory();
      assertThat(before.get("buckets")).containsExactly(bucket);

      LabResetWorkflow reset = other.newWorkflowStub(LabResetWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("reset-" + LAB).setTaskQueue(QUEUE).build());
      WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
          () -> reset.reset(RawJson.of(Map.of("labId", LAB, "definition", DEFINITION))));

      // The other namespace's sweep found nothing of its own, and its fresh lab was refused.
      assertThat(failed).as("the other namespace's fresh lab cannot take the live lab's names")
          .isNotNull();
      List<String> sweeps = other.fetchHistory("reset-" + LAB).getEvents().stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
          .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
          .filter(t -> t.equals("DeleteLabResources")).toList();
      assertThat(sweeps).as("the reset swept").containsExactly("DeleteLabResources");
      assertThat(moto.inventory()).isEqualTo(before);
      assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("results.txt")).asUtf8String())
          .isEqualTo("live data");
    }

    // The live lab still works: the switch writes a policy version and verifies the bucket.
    assertThat(live.status().state()).isEqualTo(LabState.LIVE);
    LabStatus switched = live.switchVariant(RawJson.of("read-write"));
    assertThat(switched.state()).as("last error %s", switched.lastError()).isEqualTo(LabState.LIVE);
    assertThat(switched.variant()).isEqualTo("read-write");
    assertThat(live.teardown(null).state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(moto.inventory()).doesNotContainKeys("stacks", "buckets", "roles", "policies",
        "instanceProfiles", "instances");
  }

  /** The command line's environment: this moto as the administrator, namespace {@code default}. */
  static Map<String, String> cliEnv() {
    Map<String, String> env = new LinkedHashMap<>(stack.env(QUEUE));
    env.putAll(moto.awsEnv());
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    return env;
  }

  private static void taggedRole(IamClient iam, String name, String... tags) {
    List<software.amazon.awssdk.services.iam.model.Tag> t = new java.util.ArrayList<>();
    for (int i = 0; i < tags.length; i += 2) {
      t.add(software.amazon.awssdk.services.iam.model.Tag.builder().key(tags[i]).value(tags[i + 1])
          .build());
    }
    iam.createRole(b -> b.roleName(name).tags(t)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
  }

  /**
   * {@code labflow leaks} on the account both namespaces share: a lab of {@code default} whose
   * role, policy and bucket no run owns is LEAKED, a live lab is not, another namespace's lab and
   * one tagged before the namespace tag are named apart; {@code --sweep} of the live lab is
   * refused, that of the leaked lab (followed with {@code --wait}) deletes exactly its resources,
   * and the next {@code leaks} finds no leak.
   */
  @Test
  void leaksNamesWhatNoRunOwnsAndItsSweepDeletesExactlyThat() throws Exception {
    String open = "r2-open";
    LabWorkflow live = stack.client().newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(open).setTaskQueue(QUEUE).build());
    WorkflowClient.start(live::run,
        RawJson.of(new LabRequest(DEFINITION, "read-only", open, null, null)));
    String ns = "labflow:namespace";
    try (IamClient iam = moto.iam(); S3Client s3 = moto.s3()) {
      taggedRole(iam, "labflow-gone-1-role", "labflow:lab", "gone-1", ns, "default");
      iam.createPolicy(b -> b.policyName("labflow-gone-1-policy")
          .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
              + "\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"}]}")
          .tags(t -> t.key("labflow:lab").value("gone-1"), t -> t.key(ns).value("default")));
      s3.createBucket(b -> b.bucket("labflow-gone-1"));
      s3.putBucketTagging(b -> b.bucket("labflow-gone-1").tagging(t -> t.tagSet(
          g -> g.key("labflow:lab").value("gone-1"), g -> g.key(ns).value("default"))));
      taggedRole(iam, "labflow-gone-2-role", "labflow:lab", "gone-2", ns, OTHER);
      taggedRole(iam, "labflow-old-1-role", "labflow:lab", "old-1");
      assertThat(awaitSettled(live).state()).isEqualTo(LabState.LIVE);

      Cli.Result leaks = Cli.run(cliEnv(), "leaks");
      assertThat(leaks.exitCode()).as(leaks.all()).isEqualTo(1);
      // The account's tags are read one call each: said before, on stderr.
      assertThat(leaks.err()).containsPattern(
          "labflow leaks: reading the tags of [0-9]+ roles \\(one call each\\)\n");
      assertThat(leaks.out()).containsPattern(
          "(?m)^gone-1 +buckets=1, roles=1, policies=1 +LEAKED: no run in namespace default ")
          .containsPattern("(?m)^r2-open +stacks=1, .*roles=1, policies=1.* +open: LIVE \\(run ")
          .contains("LEAKED: no run of the lab is open and no reset of it runs, so nothing will"
              + " delete these. Delete them: labflow leaks --sweep LAB_ID")
          .contains("Labs of namespace " + OTHER + " (labflow leaks there says whether they are"
              + " leaked): gone-2")
          .contains("without labflow:namespace (made before that tag; only the namespace"
              + " LABFLOW_CLAIM_UNNAMESPACED names deletes them): old-1 (roles=1)")
          .doesNotContain("Not read");
      JsonNode json = new ObjectMapper().readTree(Cli.run(cliEnv(), "leaks", "--json").out());
      assertThat(List.of(json.get("labs").get(0).get("labId").asText(),
          json.get("labs").get(1).get("labId").asText())).containsExactly("gone-1", open);
      assertThat(json.get("labs")).hasSize(2);
      assertThat(json.get("labs").get(0).get("leaked").asBoolean()).isTrue();
      assertThat(json.get("labs").get(0).get("resources").get("roles").get(0).asText())
          .isEqualTo("labflow-gone-1-role");
      assertThat(json.get("labs").get(1).get("leaked").asBoolean()).isFalse();

      Cli.Result refused = Cli.run(cliEnv(), "leaks", "--sweep", open);
      assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
      assertThat(refused.err()).contains("lab r2-open is not leaked: open: LIVE (run ");

      Cli.Result swept = Cli.run(cliEnv(), "leaks", "--sweep", "gone-1", "--wait", "3m");
      assertThat(swept.exitCode()).as(swept.all()).isZero();
      assertThat(swept.out()).contains("Started reset-gone-1: lab gone-1 has what carries its tag"
          + " deleted; no lab is started").containsPattern("Sweep reset-gone-1 completed: lab"
          + " gone-1 has nothing left that carries its tag; no run of it was open"
          + " \\(DELETED_BY_TAG; deleted by the lab's tag: .*roles=\\[labflow-gone-1-role\\]");
      assertThat(stack.client().newUntypedWorkflowStub("reset-gone-1").describe()
          .getStaticSummary()).isEqualTo("Sweep lab gone-1 (labflow leaks --sweep)");
      Map<String, List<String>> left = moto.inventory();
      assertThat(left.get("roles")).contains("labflow-gone-2-role", "labflow-old-1-role")
          .doesNotContain("labflow-gone-1-role");
      assertThat(left.get("policies")).doesNotContain("labflow-gone-1-policy");
      assertThat(left.get("buckets")).doesNotContain("labflow-gone-1").contains("labflow-" + open);

      Cli.Result after = Cli.run(cliEnv(), "leaks");
      assertThat(after.exitCode()).as(after.all()).isZero();
      assertThat(after.out()).doesNotContain("gone-1").doesNotContain("LEAKED")
          .containsPattern("(?m)^r2-open ");
    } finally {
      live.teardown(null);
      try (IamClient iam = moto.iam()) {
        for (String role : List.of("labflow-gone-2-role", "labflow-old-1-role")) {
          iam.deleteRole(b -> b.roleName(role));
        }
      }
    }
    assertThat(moto.inventory()).doesNotContainKeys("stacks", "buckets", "roles", "policies",
        "instanceProfiles", "instances");
  }
}
