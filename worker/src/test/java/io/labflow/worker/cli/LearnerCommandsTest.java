package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.labflow.worker.client.LabFollower;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.api.errordetails.v1.NamespaceNotFoundFailure;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.StatusUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code labflow check}, {@code solve}, {@code skip}, {@code extend} and {@code status} on a double
 * lab with learner tasks: what each prints and its exit code, for an answer, a refusal, a lab that
 * does not exist and no worker polling.
 */
@Tag("fast")
class LearnerCommandsTest {

  private static DoubleLabServer server;

  @BeforeAll
  static void start() {
    server = new DoubleLabServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aCheckThatFailsPrintsEachConditionWithMessageHintAndFindingAndExits1() {
    server.startLab("check-1");

    DoubleLabServer.Result r = server.labflow("check", "check-1");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).as(r.all()).isEqualTo("""
        Task create-role: not passed
          FAILED trusts-ec2: The role must let EC2, and only EC2, assume it.
                 hint: In the trust policy, Principal is {"Service": "ec2.amazonaws.com"}.
                 found: the trust policy lets lambda.amazonaws.com assume labflow-check-1-role; only ec2.amazonaws.com may
          FAILED has-boundary: The role must carry the lab's permissions boundary.
        Score 0/50 (0%)
        Next task: create-role
        """);
  }

  /**
   * Before, it named switch-variant and teardown only, not how the learner goes on; then
   * switch-variant too, though the challenge runs nothing on a variant change.
   */
  @Test
  void aLearnerLabRunEndsNamingTheLearnersCommands() {
    DoubleLabServer.Result r = server.labflow("--definitions",
        Tools.repoRoot().resolve("definitions").toString(), "run", "iam-service-role-challenge",
        "--lab-id", "run-1", "-p", "trustedPrincipalArn=arn:aws:iam::123456789012:user/learner");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all()).contains("Lab run-1 is LIVE. Next: labflow credentials run-1"
        + " | labflow check run-1 | labflow teardown run-1\n");
  }

  @Test
  void aSolveThatPassesExits0AndNamesTheNextTask() {
    server.startLab("solve-1");

    DoubleLabServer.Result r = server.labflow("solve", "solve-1");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all()).isEqualTo("""
        Task create-role: passed
          passed trusts-ec2
                 found: only ec2.amazonaws.com may assume labflow-solve-1-role
          passed has-boundary
        Score 0/50 (0%)
        Next task: create-policy
        What create-policy asks:
          Do **create-policy**:

            with the CLI, or the console.
        """);
  }

  @Test
  void aCheckThatPassesEarnsThePointsAndExits0() {
    LearnerLabDouble.SCRIPTS.put("check-2",
        new LearnerLabDouble.Script(java.util.Set.of("create-role"), java.util.Set.of()));
    server.startLab("check-2");

    DoubleLabServer.Result r = server.labflow("check", "check-2");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all())
        .contains("Task create-role: passed", "Score 20/50 (40%)", "Next task: create-policy");
  }

  /** Before, the skip and the status both said the skipped task was "not passed". */
  @Test
  void skipExits0AndStatusShowsTheProgressAndTheLastCheck() {
    server.startLab("skip-1");
    assertThat(server.labflow("check", "skip-1").code()).isEqualTo(1);

    DoubleLabServer.Result skipped = server.labflow("skip", "skip-1");
    DoubleLabServer.Result status = server.labflow("status", "skip-1");

    assertThat(skipped.code()).as(skipped.all()).isZero();
    assertThat(skipped.out()).as(skipped.all())
        .isEqualTo("Task create-role: skipped (no points)\nScore 0/50 (0%)\n"
            + "Next task: create-policy\nWhat create-policy asks:\n  Do **create-policy**:\n\n"
            + "    with the CLI, or the console.\n");
    assertThat(status.code()).as(status.all()).isZero();
    assertThat(status.out()).as(status.all()).contains("""
        Learner tasks, score 0/50 (0%):
          SKIPPED create-role           20 points  Create a role EC2 may assume
          OPEN    create-policy         30 points  Write a policy scoped to the bucket  <- current
        What create-policy asks:
          Do **create-policy**:

            with the CLI, or the console.
        Last check of task create-role: skipped (no points)
        """);
  }

  @Test
  void aCheckWithNoOpenTaskIsRefusedWithItsSentenceAndExits2() {
    server.startLab("done-1");
    assertThat(server.labflow("skip", "done-1").code()).isZero();
    assertThat(server.labflow("skip", "done-1").code()).isZero();

    DoubleLabServer.Result r = server.labflow("check", "done-1");

    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("labflow: lab done-1 has no open task (LIVE)\n");
  }

  @Test
  void aLabWithoutLearnerTasksRefusesThemAsAUsageError() {
    // The interpreter on main answers every learner Update of a lab without tasks this way.
    assertThat(Main.exitCode(io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
        "check: this lab has no learner tasks", "InvalidRequest"))).isEqualTo(2);
  }

  @Test
  void extendSendsTheDurationAsStepFilesWriteItAndExits0() {
    server.startLab("extend-1");

    DoubleLabServer.Result r = server.labflow("extend", "extend-1", "PT1H30M");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all())
        .startsWith("Lab extend-1 extended by 1h30m.\n")
        .contains("Notice: kept alive 1h30m longer");
  }

  @Test
  void aStatusQueryThatFailsIsToldAsItsFailureNotAsSilence() throws InterruptedException {
    // As when the worker cannot replay the lab's history: the lab's worker answers with a failure.
    server.startLab("broken-status-1");

    DoubleLabServer.Result status = server.labflow("status", "broken-status-1");
    DoubleLabServer.Result json = server.labflow("status", "broken-status-1", "--json");
    StringWriter followed = new StringWriter();
    new LabFollower(
        new TemporalConnection(ClientConfigProfile.getDefaultInstance(), server.client, false),
        new PrintWriter(followed, true), Duration.ofMillis(50))
        .follow("broken-status-1", null, null, Duration.ofSeconds(1), LabFollower.LIVE_OR_PAUSED);

    for (DoubleLabServer.Result r : List.of(status, json)) {
      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.err()).as(r.all())
          .startsWith("labflow: lab broken-status-1 failed its status query: ")
          .contains("the status handler failed").hasLineCount(1);
    }
    assertThat(followed.toString())
        .containsOnlyOnce("lab broken-status-1 failed its status query: ");
  }

  @Test
  void aWorkerThatCannotReplayTheLabSaysWhatToDo() throws InterruptedException {
    server.startLab("unreplayable-1");

    DoubleLabServer.Result status = server.labflow("status", "unreplayable-1");

    assertThat(status.code()).as(status.all()).isEqualTo(1);
    assertThat(status.err()).as(status.all())
        .startsWith("labflow: lab unreplayable-1 failed its status query: ")
        .contains("NonDeterministicException", "[TMPRL1100]", "; the worker cannot replay the lab's"
            + " history: the worker's log has the trace; after an upgrade, run the version that"
            + " started it (docs/worker.md, Restarts and upgrades)")
        .hasLineCount(1);
  }

  @Test
  void aRunningFleetNightNoWorkerAnswersIsToldWithinTheQueryBound() throws InterruptedException {
    // As when the worker went down mid-night: no worker takes the night's report query.
    server.client.newUntypedWorkflowStub("FleetResetWorkflow", WorkflowOptions.newBuilder()
        .setWorkflowId("night-1").setTaskQueue("nobody").build()).start();

    StringWriter err = new StringWriter();
    FleetStatusCommand.Night night = FleetStatusCommand.night(
        new TemporalConnection(ClientConfigProfile.getDefaultInstance(), server.client, false),
        "night-1", new PrintWriter(err, true));

    assertThat(night.failure()).isEqualTo(
        "no answer to its report query within 10 s; is a worker polling task queue nobody?");
    // Said while it waits, not only at its end.
    assertThat(err.toString()).isEqualTo("Asking night night-1 for its report (a worker polling"
        + " task queue nobody answers it; up to 10 s)...\n");
  }

  @Test
  void aLabThatDoesNotExistExits1WithASentence() {
    DoubleLabServer.Result r = server.labflow("check", "nowhere-1");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).as(r.all()).startsWith("labflow: no lab `nowhere-1` in namespace `default`");
  }

  @Test
  void aNamespaceThatDoesNotExistIsSaidAsSuchNotAsAMissingLab() {
    // What a Temporal server answers for a namespace it does not have.
    server.interceptCommands(next -> new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public DescribeWorkflowOutput describe(DescribeWorkflowInput input) {
        throw StatusUtils.newException(Status.NOT_FOUND.withDescription(
            "Namespace default is not found."), NamespaceNotFoundFailure.newBuilder()
            .setNamespace("default").build(), NamespaceNotFoundFailure.getDescriptor());
      }
    });
    try {
      DoubleLabServer.Result r = server.labflow("check", "lab-1");

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.err()).as(r.all())
          .startsWith("labflow: Temporal namespace 'default' does not exist at ")
          .endsWith("; create it (temporal operator namespace create --address "
              + server.env.getWorkflowServiceStubs().getOptions().getTarget()
              + " --namespace default) or set TEMPORAL_NAMESPACE\n");
    } finally {
      server.commandClient = server.client;
    }
  }

  @Test
  @Timeout(60)
  void aCheckWhoseWorkerIsGoneAfterTakingItEndsWithExit4() {
    server.startLab("hang-1");
    // A worker polls when the check is sent and takes it, then is gone.
    Iterator<Boolean> polls = List.of(true, false).iterator();
    server.polled = polls::next;
    try {
      DoubleLabServer.Result r = server.labflow("check", "hang-1");

      assertThat(r.code()).as(r.all()).isEqualTo(4);
      assertThat(r.err()).as(r.all())
          .startsWith("Waiting for lab hang-1 to answer its check (taken by a worker on task queue"
              + " labflow)...\nlabflow: no worker polls task queue labflow")
          .endsWith("; the worker that took the check is gone; the server keeps it for a worker"
              + " that comes back (labflow status hang-1)\n");
    } finally {
      server.polled = () -> true;
    }
  }

  /**
   * A check that waits on AWS (an access check while IAM propagates a change) says what it waits
   * for; before, only that the lab had not answered.
   */
  @Test
  @Timeout(60)
  void aCheckWaitingOnAnAccessCheckSaysWhatThatWaitsFor() {
    server.startLab("probing-1");

    DoubleLabServer.Result r = server.labflow("check", "probing-1");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).as(r.all()).isEqualTo("Waiting for lab probing-1 to answer its check"
        + " (taken by a worker on task queue labflow)...\n  in progress  CheckAccess: "
        + LearnerLabDouble.ProbeImpl.SAID.formatted("probing-1") + "\n");
  }

  @Test
  @Timeout(60)
  void aCheckNotAnsweredAtOnceSaysWhatItWaitsForBeforeTheWorkerIsAskedAfter()
      throws Exception {
    server.startLab("slow-1");
    // A worker polls when the check is sent; asked again, none does: the command would end.
    Iterator<Boolean> polls = List.of(true, false).iterator();
    server.polled = polls::next;
    ExecutorService command = Executors.newSingleThreadExecutor();
    try {
      Future<DoubleLabServer.Result> check = command.submit(() -> server.labflow("check", "slow-1"));
      // The lab answers once the command has said what it waits for, before it asks for a worker.
      String waiting = "Waiting for lab slow-1 to answer its check (taken by a worker on task queue"
          + " labflow)...\n";
      while (server.err == null || !server.err.toString().contains(waiting)) {
        assertThat(check.isDone()).as("ended before saying what it waits for").isFalse();
        Thread.sleep(50);
      }
      server.client.newWorkflowStub(LabWorkflow.class, "slow-1").decide(null);
      DoubleLabServer.Result r = check.get();

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.err()).as(r.all()).isEqualTo(waiting);
      assertThat(r.out()).as(r.all()).contains("create-role");
      assertThat(polls).as("the worker was asked for only once").hasNext();
    } finally {
      command.shutdownNow();
      server.polled = () -> true;
    }
  }

  @Test
  void withNoWorkerPollingNothingIsSentAndItExits4() {
    server.startLab("idle-1");
    server.polled = () -> false;
    try {
      DoubleLabServer.Result r = server.labflow("check", "idle-1");

      assertThat(r.code()).as(r.all()).isEqualTo(4);
      assertThat(r.err()).as(r.all())
          .startsWith("labflow: no worker polls task queue labflow")
          .endsWith("; nothing sent\n");
    } finally {
      server.polled = () -> true;
    }
    assertThat(server.labflow("status", "idle-1").out()).contains("Learner tasks, score 0/50 (0%):");
  }

  @Test
  void theWebUiAddressIsTheOneLabflowUiUrlGives() {
    server.startLab("ui-1");

    // --ui-url is how LABFLOW_UI_URL reaches the command (picocli's ${env:...} default).
    assertThat(server.labflow("--ui-url=http://ui.example:8080", "status", "ui-1").out())
        .endsWith("Web UI: http://ui.example:8080/namespaces/default/workflows/ui-1\n");
  }

  @Test
  void aDurationThatIsNotOneIsAUsageError() {
    DoubleLabServer.Result r = server.labflow("extend", "extend-2", "soon");

    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).as(r.all()).contains("'soon' is not a duration");
  }
}
