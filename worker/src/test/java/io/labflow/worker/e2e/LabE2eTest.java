package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.activities.testing.ManagedProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * End to end, against a real Temporal dev server and moto: labs started from the Temporal CLI (the
 * Web UI's API) and from the labflow CLI, variant switch, teardown, pause and resume.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class LabE2eTest extends OnLocalStack {

  private static final String QUEUE = "e2e-lab";
  private static ManagedProcess worker;

  @BeforeAll
  static void startWorker() throws InterruptedException {
    // Polling before the first command: `run` refuses at once when no worker polls.
    worker = classWorker("worker-lab", QUEUE, -1);
  }

  static Map<String, String> env() {
    return stack.env(QUEUE);
  }

  static long historyLength(String workflowId) {
    WorkflowClient c = stack.client();
    return c.getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getHistory().getEventsCount();
  }

  @Test
  void labStartedLikeTheWebUiGoesLiveSwitchesVariantAndTearsDown() throws Exception {
    String labId = "e2e-ui";
    String input = "{\"definition\":\"iam-mini\",\"variant\":\"read-only\",\"labId\":\"" + labId
        + "\",\"parameters\":{\"bucket\":\"e2e-ui-bucket\"}}";
    Cli.Result started = Cli.exec(List.of(Tools.tool("temporal").toString(), "workflow", "start",
        "--address", stack.temporalAddress(), "--namespace", "default",
        "--type", "LabWorkflow", "--task-queue", QUEUE, "--workflow-id", labId,
        "--input", input), Map.of());
    assertThat(started.exitCode()).as(started.all()).isZero();

    LabStatus live = awaitLive(labId, Duration.ofSeconds(90), worker);
    assertThat(live.steps()).extracting(s -> s.id() + ":" + s.state())
        .containsExactly("role:DONE", "policy:DONE", "attach:DONE");
    assertThat(iam.roles(labId)).hasSize(1);
    assertThat(iam.policies(labId)).hasSize(1);
    assertThat(iam.attached(labId + "-role")).extracting(p -> p.policyName())
        .containsExactly(labId + "-policy");
    assertThat(iam.defaultDocument(iam.policies(labId).get(0)))
        .contains("s3:GetObject").doesNotContain("s3:PutObject");

    Cli.Result switched = Cli.run(env(), "switch-variant", labId, "read-write");
    assertThat(switched.exitCode()).as(switched.all()).isZero();
    assertThat(switched.out()).contains("variant=read-write", "state=LIVE", "new-version");
    assertThat(iam.defaultDocument(iam.policies(labId).get(0))).contains("s3:PutObject");

    Cli.Result json = Cli.run(env(), "status", labId, "--json");
    assertThat(json.exitCode()).as(json.all()).isZero();
    JsonNode node = new ObjectMapper().readTree(json.out());
    assertThat(node.get("state").asText()).isEqualTo("LIVE");
    assertThat(node.get("variant").asText()).isEqualTo("read-write");

    Cli.Result list = Cli.run(env(), "list");
    assertThat(list.exitCode()).as(list.all()).isZero();
    assertThat(list.out().lines().filter(l -> l.startsWith(labId + " ")))
        .anySatisfy(l -> assertThat(l).contains("RUNNING").contains("iam-mini"));
    // Before: `labflow: INVALID_ARGUMENT: invalid query: ...`, exit 1, naming no option.
    Cli.Result badQuery = Cli.run(env(), "list", "--query", "LabState=");
    assertThat(badQuery.exitCode()).as(badQuery.all()).isEqualTo(2);
    assertThat(badQuery.err()).startsWith("labflow: --query \"LabState=\" is not a visibility query"
        + " Temporal takes (invalid query: ").endsWith(", in the query sent: WorkflowType="
        + "'LabWorkflow' AND (LabState=)); e.g. --query \"LabState='PAUSED'\"\n");

    Cli.Result down = Cli.run(env(), "teardown", labId);
    assertThat(down.exitCode()).as(down.all()).isZero();
    assertThat(down.out()).contains("state=TORN_DOWN");
    assertThat(iam.roles(labId)).isEmpty();
    assertThat(iam.policies(labId)).isEmpty();
    System.out.printf("[figures] lab %s: %d history events%n", labId, historyLength(labId));
  }

  @Test
  void cliRunValidatesStartsAndFollowsUntilLive() throws Exception {
    String labId = "e2e-cli";
    Cli.Result run = Cli.run(env(), "run", Labs.file("iam-mini").toString(), "--lab-id", labId,
        "-p", "bucket=e2e-cli-bucket");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).contains("Started lab " + labId, "DONE         role (CreateRole)",
        "DONE         attach (AttachRolePolicy)", "Lab " + labId + " is LIVE. Next: labflow"
            + " switch-variant " + labId + " read-write | labflow teardown " + labId + "\n",
        "Web UI: http://127.0.0.1:");
    assertThat(run.out().indexOf("role (CreateRole)"))
        .isLessThan(run.out().indexOf("attach (AttachRolePolicy)"));

    Cli.Result again = Cli.run(env(), "run", Labs.file("iam-mini").toString(), "--lab-id", labId);
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already running");

    Cli.Result down = Cli.run(env(), "teardown", labId);
    assertThat(down.exitCode()).as(down.all()).isZero();
    assertThat(iam.roles(labId)).isEmpty();
  }

  @Test
  void cliRunRejectsAnInvalidFileBeforeContactingTemporal() throws IOException {
    Map<String, String> unreachable = new java.util.HashMap<>(env());
    Cli.Result r;
    try (Socket nowhere = Tools.refusedPort()) {
      unreachable.put("TEMPORAL_ADDRESS", "127.0.0.1:" + nowhere.getLocalPort());
      r = Cli.run(unreachable, "run",
          Tools.repoRoot().resolve("worker/src/test/resources/bad/broken.yaml").toString(),
          "--lab-id", "e2e-never");
    }
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("broken.yaml:4:13:", "is invalid").doesNotContain("cannot reach");
  }

  @Test
  void pausedLabRetriesAfterTheCauseIsFixed() throws Exception {
    String labId = "e2e-retry";
    String policy = labId + "-external";
    Cli.Result run = Cli.run(env(), "run", Labs.file("pause-lab").toString(), "--lab-id", labId,
        "-p", "policyName=" + policy);
    assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
    LabStatus paused = status(labId).orElseThrow();
    assertThat(paused.pausedStep()).isEqualTo("attach");
    // How to decide and by when (pauseTimeout 1h) once, in the status; then the summary.
    assertThat(run.out()).containsOnlyOnce("labflow resume " + labId)
        .contains("Paused at step attach. Decide with: labflow resume " + labId
            + " --retry|--skip|--rollback; without a decision by " + paused.until()
            + " it rolls back\n")
        .contains("Lab " + labId + " is PAUSED at step attach; it waits for the decision above\n");

    // The operator fixes the cause: the policy the step attaches now exists.
    iam.client().createPolicy(b -> b.policyName(policy).policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}"));

    Cli.Result resumed = Cli.run(env(), "resume", labId, "--retry");
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();
    assertThat(resumed.out()).contains("Decision RETRY accepted");
    LabResult result = stack.client().newUntypedWorkflowStub(labId).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    assertThat(result.steps()).extracting(s -> s.state()).containsOnly(StepState.DONE);
    assertThat(iam.attached(labId + "-role")).extracting(p -> p.policyName()).containsExactly(policy);
  }

  @Test
  void pausedLabRolledBackLeavesNothing() throws Exception {
    String labId = "e2e-rollback";
    Cli.Result run = Cli.run(env(), "run", Labs.file("pause-lab").toString(), "--lab-id", labId,
        "-p", "policyName=" + labId + "-never-created");
    assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
    assertThat(iam.roles(labId)).hasSize(1);

    Cli.Result resumed = Cli.run(env(), "resume", labId, "--rollback");
    assertThat(resumed.exitCode()).as(resumed.all()).isEqualTo(1);
    assertThat(resumed.out()).contains("ROLLED_BACK");
    // A rolled-back lab fails its run (so it shows as failed in the UI) after undoing everything.
    WorkflowStub stub = stack.client().newUntypedWorkflowStub(labId);
    assertThat(stub.describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    assertThat(status(labId).orElseThrow().state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(iam.roles(labId)).isEmpty();
    assertThat(iam.policies(labId)).isEmpty();
  }
}
