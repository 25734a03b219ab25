package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal Web UI as the lab console, end to end on a real dev server and a moto with IAM
 * enforced: the README's short input (no parameters) goes LIVE and verifies thanks to the site's
 * parameter defaults; without them the preflight stops the lab before anything exists; a paused lab
 * is resumed with the update exactly as the UI sends it; what the UI shows (activity summaries,
 * current details) is read back from the server.
 */
@ExtendWith(LocalStack.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class WebConsoleE2eTest {

  /** A worker with the site defaults scripts/stack sets for moto. */
  private static final String SITE_QUEUE = "e2e-console";
  /** A worker without site defaults: labs ask for the policy simulator, which moto lacks. */
  private static final String BARE_QUEUE = "e2e-console-bare";

  private static LocalStack.Stack stack;
  private static EnforcedMoto moto;
  private static ManagedProcess siteWorker;
  private static ManagedProcess bareWorker;

  @BeforeAll
  static void start(LocalStack.Stack s) throws Exception {
    stack = s;
    moto = new EnforcedMoto(s.logDir());
    Map<String, String> site = new LinkedHashMap<>(workerEnv(SITE_QUEUE));
    site.put("LABFLOW_SITE_PARAMETERS",
        "{\"verifyMethod\":\"probe\",\"trustedPrincipalArn\":\"" + moto.adminArn + "\"}");
    siteWorker = ManagedProcess.start("worker-console-site",
        Jvm.command("worker", "--metrics-port", "-1"), site, s.logDir());
    bareWorker = ManagedProcess.start("worker-console-bare",
        Jvm.command("worker", "--metrics-port", "-1"), workerEnv(BARE_QUEUE), s.logDir());
    // Polling before the first command: `run` refuses at once when no worker polls.
    siteWorker.awaitLog("polling", java.time.Duration.ofSeconds(60));
    bareWorker.awaitLog("polling", java.time.Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (siteWorker != null) {
      siteWorker.close();
    }
    if (bareWorker != null) {
      bareWorker.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  /** The real lab's definitions, on the enforced moto, as its administrator. */
  static Map<String, String> workerEnv(String queue) {
    Map<String, String> env = new LinkedHashMap<>(stack.env(queue));
    env.putAll(moto.awsEnv());
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    return env;
  }

  /** The README's Web UI input: no lab id (it is the workflow id), no parameters. */
  static String shortInput(String labId, String extra) {
    return "{\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\"" + extra + "}";
  }

  /** {@code temporal workflow start}: the same StartWorkflowExecution the Web UI's form sends. */
  static void startLikeTheUi(String queue, String labId, String input) {
    Cli.Result r = temporal("workflow", "start", "--type", "LabWorkflow", "--task-queue", queue,
        "--workflow-id", labId, "--input", input);
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  static Cli.Result temporal(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Tools.tool("temporal").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", stack.temporalAddress(), "--namespace", "default"));
    return Cli.exec(cmd, Map.of());
  }

  static LabStatus awaitStatus(String labId, Predicate<LabStatus> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    Optional<LabStatus> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      try {
        last = Optional.ofNullable(stack.client().newWorkflowStub(LabWorkflow.class, labId).status());
        if (last.isPresent() && done.test(last.get())) {
          return last.get();
        }
      } catch (RuntimeException e) {
        // not started yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("lab " + labId + " never matched; last " + last + "\n" + siteWorker.tail());
  }

  static List<HistoryEvent> history(String labId) {
    return stack.client().fetchHistory(labId).getEvents();
  }

  static List<String> summaries(String labId, EventType type) {
    return history(labId).stream().filter(e -> e.getEventType() == type)
        .map(e -> text(e.getUserMetadata().getSummary())).toList();
  }

  static String text(Payload p) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
  }

  static String currentDetails(String labId) {
    return stack.client().newUntypedWorkflowStub(labId)
        .query("__temporal_workflow_metadata", WorkflowMetadata.class).getCurrentDetails();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theShortInputGoesLiveAndVerifiesAndTheUiShowsWhatTheLabDoes() throws Exception {
    String labId = "lab-ui";
    assertThat(java.nio.file.Files.readString(Tools.repoRoot().resolve("README.md")))
        .as("the README shows this very input")
        .contains("`" + shortInput(labId, "") + "`");
    startLikeTheUi(SITE_QUEUE, labId, shortInput(labId, ""));

    LabStatus live = awaitStatus(labId, s -> s.state() == LabState.LIVE || s.state().name().endsWith("ED"));
    assertThat(live.state()).as(live.lastError() + "\n" + siteWorker.tail()).isEqualTo(LabState.LIVE);
    StepStatus verify = live.steps().stream().filter(s -> s.id().equals("verify-access")).findFirst().orElseThrow();
    assertThat(verify.state()).isEqualTo(StepState.DONE);
    assertThat(verify.outputs()).containsEntry("method", "probe").containsEntry("matches", true);
    assertThat((List<Object>) verify.outputs().get("matrix")).anySatisfy(cell -> assertThat((Map<Object, Object>) cell)
        .containsEntry("action", "s3:PutObject").containsEntry("expectedAllowed", false)
        .containsEntry("allowed", false));
    // The status query shows the policy document as a JSON object.
    StepStatus policy = live.steps().stream().filter(s -> s.id().equals("create-policy")).findFirst().orElseThrow();
    assertThat(policy.outputs().get("document")).isInstanceOf(Map.class);

    // What the Web UI shows, from the server: activity summaries in the history ...
    assertThat(summaries(labId, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).containsExactly(
        "create-stack: labflow-lab-ui",
        "create-role: labflow-lab-ui-role",
        "verify-no-access: labflow-lab-ui-role",
        "create-policy: labflow-lab-ui-s3",
        "attach-policy: labflow-lab-ui-role",
        "create-instance-profile: labflow-lab-ui-profile",
        "associate-profile: labflow-lab-ui-profile",
        "verify-access: labflow-lab-ui-role");
    assertThat(summaries(labId, EventType.EVENT_TYPE_TIMER_STARTED)).singleElement().asString()
        .matches("live until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ, then teardown;"
            + " warns at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ");
    // ... and the current details through the metadata query.
    assertThat(currentDetails(labId))
        .startsWith("lab **" + labId + "** · **iam-service-role-lab** · variant **read-only** · **LIVE** until ")
        .contains("- verify-access (VerifyAccess): **DONE**",
            "Last verification: verify-access (probe):",
            "- s3:PutObject: denied ✓",
            "Update **switchVariant**, input `\"read-write\"`");
    long events = history(labId).size();
    System.out.printf("[figures] %s: %d history events until LIVE (8 steps; 6N+12 = %d)%n", labId, events, 6 * 8 + 12);
    assertThat(events).isLessThanOrEqualTo(6 * 8 + 12);

    // Rejections read as sentences: through the Temporal CLI (the UI's Update call) ...
    Cli.Result rejected = temporal("workflow", "update", "execute", "--workflow-id", labId,
        "--name", "resume", "--input", "\"RETRY\"");
    assertThat(rejected.exitCode()).isNotZero();
    assertThat(rejected.all()).contains("lab lab-ui is not paused (LIVE)").doesNotContain("at io.");
    // ... and through labflow, with exit code 2.
    Map<String, String> cliEnv = workerEnv(SITE_QUEUE);
    Cli.Result same = Cli.run(cliEnv, "switch-variant", labId, "read-only");
    assertThat(same.exitCode()).as(same.all()).isEqualTo(2);
    // A worker slower than 3 s to take the Update is said first (BaseCommand.sent).
    assertThat(same.err().replaceFirst("^Waiting up to 15 s for a worker polling task queue "
        + SITE_QUEUE + " to take the switchVariant\\.\\.\\.\n", "").strip())
        .isEqualTo("labflow: lab lab-ui already runs variant read-only");

    // Teardown as the UI sends it: the update by name, no input.
    Cli.Result down = temporal("workflow", "update", "execute", "--workflow-id", labId, "--name", "teardown");
    assertThat(down.exitCode()).as(down.all()).isZero();
    WorkflowStub stub = stack.client().newUntypedWorkflowStub(labId);
    stub.getResult(60, TimeUnit.SECONDS, Object.class);
    assertThat(moto.inventory()).isEmpty();
    assertThat(currentDetails(labId)).contains("**TORN_DOWN**", "nothing is left in AWS");

    // Tearing down a torn-down lab succeeds: cleanup scripts can run it again.
    Cli.Result again = Cli.run(cliEnv, "teardown", labId);
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.out().strip()).isEqualTo("lab lab-ui is already torn down (run "
        + stub.describe().getExecution().getRunId() + "); nothing left to tear down");
  }

  @Test
  void labflowRunLabelsTheRunAndAPreflightFailureReadsAsASentence() throws Exception {
    String labId = "lab-cli-sim";
    Cli.Result run = Cli.run(workerEnv(SITE_QUEUE), "run",
        Tools.repoRoot().resolve("definitions/iam-service-role-lab.yaml").toString(),
        "--lab-id", labId, "-p", "instanceType=x9.nonexistent");
    assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
    // The local stack now answers the simulator: an instance type no region offers fails instead.
    assertThat(run.all()).contains("preflight: parameter instanceType: instance type 'x9.nonexistent'"
            + " is not offered in region us-east-1", "Lab " + labId + " run closed: FAILED\n")
        .doesNotContain("at io.", "message='");
    assertThat(stack.client().newUntypedWorkflowStub(labId).describe().getStaticSummary())
        .isEqualTo("lab " + labId + ": iam-service-role-lab, started read-only with labflow run");
    Cli.Result resume = Cli.run(workerEnv(SITE_QUEUE), "resume", labId, "--retry");
    assertThat(resume.exitCode()).as(resume.all()).isEqualTo(1);
    assertThat(resume.err().strip()).startsWith(
        "labflow: lab " + labId + " already ended in failure (run ");
  }

  @Test
  void anUnavailableVerifyMethodStopsTheLabBeforeAnythingExists() throws Exception {
    String labId = "lab-nosim";
    Map<String, List<String>> before = moto.inventory();
    // probe with no principal for the role to trust (the bare worker has no site parameters); simulate,
    // the default, is available on the local stack now.
    startLikeTheUi(BARE_QUEUE, labId, shortInput(labId, ",\"parameters\":{\"verifyMethod\":\"probe\"}"));

    WorkflowStub stub = stack.client().newUntypedWorkflowStub(labId);
    WorkflowFailedException failed = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> stub.getResult(60, TimeUnit.SECONDS, Object.class),
        WorkflowFailedException.class);
    assertThat(failed).as(bareWorker.tail()).isNotNull();
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("PreflightFailed");
    assertThat(cause.getOriginalMessage())
        .isEqualTo("preflight: verification by probe assumes the lab's role, which must trust the"
            + " worker: set parameter trustedPrincipalArn=" + moto.adminArn);
    assertThat(stub.describe().getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    // Zero resources: the inventory of moto is what it was, and no step activity was scheduled.
    assertThat(moto.inventory()).isEqualTo(before);
    assertThat(summaries(labId, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).isEmpty();
    assertThat(currentDetails(labId)).contains("**FAILED**", "nothing was created");
  }

  @Test
  void aLabStartedWithOnFailurePausePausesAndTheUisResumeUpdateRetriesIt() throws Exception {
    String labId = "lab-pause";
    // A role with the lab's name that the lab does not own: CreateRole refuses it (NotOwned).
    moto.iam().createRole(b -> b.roleName("labflow-" + labId + "-role").assumeRolePolicyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
    startLikeTheUi(SITE_QUEUE, labId, shortInput(labId, ",\"onFailure\":\"pause\""));

    LabStatus paused = awaitStatus(labId, s -> s.state() == LabState.PAUSED || s.state().name().endsWith("ED"));
    assertThat(paused.state()).as(paused.lastError()).isEqualTo(LabState.PAUSED);
    assertThat(paused.pausedStep()).isEqualTo("create-role");
    assertThat(paused.lastError()).contains("NotOwned");
    assertThat(currentDetails(labId)).contains("**PAUSED**", "Update **resume** with input `\"RETRY\"`");

    // The operator fixes the cause, then resumes exactly as the UI's Update form sends it.
    moto.iam().deleteRole(b -> b.roleName("labflow-" + labId + "-role"));
    Cli.Result resumed = temporal("workflow", "update", "execute", "--workflow-id", labId,
        "--name", "resume", "--input", "\"RETRY\"");
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();

    LabStatus live = awaitStatus(labId, s -> s.state() == LabState.LIVE || s.state().name().endsWith("ED"));
    assertThat(live.state()).as(live.lastError()).isEqualTo(LabState.LIVE);
    assertThat(live.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.DONE));

    Cli.Result down = temporal("workflow", "update", "execute", "--workflow-id", labId, "--name", "teardown");
    assertThat(down.exitCode()).as(down.all()).isZero();
    stack.client().newUntypedWorkflowStub(labId).getResult(60, TimeUnit.SECONDS, Object.class);
    assertThat(moto.inventory()).isEmpty();
  }
}
