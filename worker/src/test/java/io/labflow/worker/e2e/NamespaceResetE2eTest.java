package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
}
