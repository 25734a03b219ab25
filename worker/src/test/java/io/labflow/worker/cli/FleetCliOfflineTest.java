package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.worker.e2e.Labs;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.LabReport;
import io.labflow.workflows.input.RawJson;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.RawValue;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labflow fleet validate}, the fleet commands' help and {@code fleet status}'s table,
 * without Temporal or AWS; and how {@code fleet status} and {@code fleet release} read a fleet's
 * nights, on Temporal's in-process test server (it keeps no schedules: the schedule's description
 * is built here).
 */
@Tag("fast")
class FleetCliOfflineTest {

  @TempDir Path dir;

  @Test
  void theShippedFleetValidatesAgainstTheRealLab() {
    Path fleet = Tools.repoRoot().resolve("definitions/fleets/iam-class.yaml");
    CliRun r = run("--definitions", Tools.repoRoot().resolve("definitions").toString(), "fleet", "validate", fleet.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("valid (fleet iam-class: 30 labs of iam-service-role-lab, \"0 3 * * *\" Europe/Paris, "
        + "concurrency 5, quarantine after 3)");
  }

  @Test
  void validateShowsWhatTheFleetCountsAgainstAwsQuotasOffline() {
    Path fleet = Tools.repoRoot().resolve("definitions/fleets/iam-class.yaml");
    CliRun r = run("--definitions", Tools.repoRoot().resolve("definitions").toString(), "fleet", "validate", fleet.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("AWS quotas (30 labs):\n"
        + "  L-F678F1CE (VPCs per Region): 1 per lab, 30 for 30 labs\n"
        + "  L-A4707A72 (Internet gateways per Region): 1 per lab, 30 for 30 labs\n"
        + "  L-FE177D64 (Roles per account): 1 per lab, 30 for 30 labs\n"
        + "  L-E95E4862 (Customer managed policies per account): 1 per lab, 30 for 30 labs\n"
        + "  L-6E65F664 (Instance profiles per account): 1 per lab, 30 for 30 labs\n"
        + "  not checked against the AWS account (add --quotas to read its quotas and usage)\n");
  }

  @Test
  void validateCountsTheStackTemplateEachLabsParametersName() throws Exception {
    io.labflow.activities.testing.Lab.parameterisedTemplateDefinition(dir);
    Files.writeString(dir.resolve("templates/topic.yaml"),
        io.labflow.activities.testing.Lab.TOPIC_TEMPLATE);
    Path f = Files.writeString(dir.resolve("f.yaml"), """
        name: f
        definition: param-template
        parameters: {template: env.yaml}
        labs:
          - p-1
          - p-2
          - {id: p-3, parameters: {template: topic.yaml}}
        schedule: {cron: "0 3 * * *"}
        """);

    CliRun r = run("--definitions", dir.toString(), "fleet", "validate", f.toString());

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("AWS quotas (3 labs):\n"
        + "  L-F678F1CE (VPCs per Region): 0 to 1 per lab, 2 for 3 labs\n"
        + "  L-A4707A72 (Internet gateways per Region): 0 to 1 per lab, 2 for 3 labs\n"
        + "  not checked against the AWS account (add --quotas to read its quotas and usage)\n");
  }

  /**
   * The site's values come between a lab's and the definition's defaults, as the worker binds
   * them: before, validate counted the default (a topic) for labs whose runs make a VPC.
   */
  @Test
  void validateCountsTheStackTemplateTheSiteParametersName() throws Exception {
    io.labflow.activities.testing.Lab.defaultedTemplateDefinition(dir);
    Path f = Files.writeString(dir.resolve("f.yaml"), """
        name: f
        definition: param-default
        labs: [p-1, p-2]
        schedule: {cron: "0 3 * * *"}
        """);

    CliRun r = run("--definitions", dir.toString(), "fleet", "validate", f.toString(),
        "--site-parameters", "{\"template\": \"env.yaml\"}");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("AWS quotas (2 labs):\n"
        + "  L-F678F1CE (VPCs per Region): 1 per lab, 2 for 2 labs\n");
  }

  @Test
  void variantsAndParametersAreCheckedAgainstTheStepFileAtTheFleetFilesLines() throws Exception {
    Path f = dir.resolve("f.yaml");
    Files.writeString(f, """
        name: f
        definition: iam-mini
        variant: read-mostly
        parameters: {bucket: "Not A Bucket"}
        labs:
          - a-1
          - {id: a-2, parameters: {colour: blue}}
        schedule: {cron: "0 3 * * *"}
        """);
    CliRun r = run("--definitions", Labs.definitionsDir().toString(), "fleet", "validate", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains(f + ":3:10: variant: ", "read-mostly")
        .contains(f + ":4:22: parameters.bucket: ")
        .contains(f + ":7:36: labs[1].parameters.colour: lab a-2: unknown parameter 'colour'")
        .doesNotContain("Exception");
    // A shared problem is reported once, not once per lab.
    assertThat(r.out().lines().filter(l -> l.contains("variant: ")).count()).isEqualTo(1);

    Files.writeString(f, "name: f\ndefinition: nosuch\nlabs: [a]\nschedule: {cron: '@daily'}\n");
    r = run("--definitions", Labs.definitionsDir().toString(), "fleet", "validate", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith(f + ":2:13: definition: no definition named 'nosuch'");
  }

  /**
   * What would refuse every lab at the start of its run is refused by validate and apply, before a
   * Schedule exists: before, such a fleet validated, and each night each lab failed to start.
   */
  @Test
  void aFleetWhoseLabsWouldBeRefusedAtTheStartOfTheirRunsIsInvalid() throws Exception {
    Path defs = Tools.repoRoot().resolve("definitions");
    Files.createDirectories(dir.resolve("templates"));
    Files.copy(defs.resolve("templates/lab-environment.yaml"),
        dir.resolve("templates/lab-environment.yaml"));
    Files.writeString(dir.resolve("iam-service-role-lab.yaml"),
        Files.readString(defs.resolve("iam-service-role-lab.yaml")).replace(
            "actions: [s3:ListBucket, s3:GetObject]\n", "actions: [s3:ListBuckets, s3:GetObject]\n"));
    // 31 + 1 + 39 characters: a 71-character bucket name for each lab.
    Path f = Files.writeString(dir.resolve("f.yaml"), """
        name: f
        definition: iam-service-role-lab
        parameters: {bucketPrefix: ppppppppppppppppppppppppppppppp}
        labs:
          prefix: a-very-long-fleet-prefix-for-a-class-
          count: 2
        schedule: {cron: "0 3 * * *"}
        """);

    CliRun r = run("--definitions", dir.toString(), "fleet", "validate", f.toString());

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    String lab = dir.resolve("iam-service-role-lab.yaml").toString();
    String action = " (CreatePolicy) with.actions of variant 'read-only': s3:ListBuckets is not an"
        + " S3 action; did you mean 's3:ListBucket'?";
    assertThat(r.out().lines()).containsExactly(
        f + ":5:3: labs: lab a-very-long-fleet-prefix-for-a-class-01: step 'create-stack'"
            + " (CreateStack): field 'parameters.BucketName': S3 bucket name"
            + " 'ppppppppppppppppppppppppppppppp-a-very-long-fleet-prefix-for-a-c...' (71 characters)"
            + " is 71 characters long; the limit is 3 to 63 characters",
        f + ":5:3: labs: lab a-very-long-fleet-prefix-for-a-class-02: step 'create-stack'"
            + " (CreateStack): field 'parameters.BucketName': S3 bucket name"
            + " 'ppppppppppppppppppppppppppppppp-a-very-long-fleet-prefix-for-a-c...' (71 characters)"
            + " is 71 characters long; the limit is 3 to 63 characters",
        lab + ":124: step 'create-policy'" + action,
        lab + ":192: step 'update-policy'" + action.replace("CreatePolicy", "CreatePolicyVersion"));
    CliRun apply = run("--definitions", dir.toString(), "fleet", "apply", f.toString());
    assertThat(apply.code()).as(apply.all()).isEqualTo(1);
    assertThat(apply.err()).contains("s3:ListBuckets is not an S3 action");
  }

  @Test
  void aFleetOfAnInvalidDefinitionIsRefusedWithTheDefinitionsOwnProblems() throws Exception {
    Path bad = Tools.repoRoot().resolve("worker/src/test/resources/bad");
    Path f = Files.writeString(dir.resolve("f.yaml"),
        "name: f\ndefinition: broken\nlabs: [a]\nschedule: {cron: '@daily'}\n");

    CliRun r = run("--definitions", bad.toString(), "fleet", "validate", f.toString());

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).startsWith(f + ":2:13: definition: definition 'broken' is not valid:\n"
        + bad.resolve("broken.yaml") + ":4:13: steps[0].action: ")
        .contains(bad.resolve("broken.yaml") + ":11:").doesNotContain("Exception");
  }

  /** A night that runs until the test ends, counting the report queries it answers. */
  public static class RunningNight implements FleetResetWorkflow {
    static final AtomicInteger QUERIES = new AtomicInteger();

    @Override
    public FleetReport run(RawValue request) {
      Workflow.await(() -> false);
      return null;
    }

    @Override
    public FleetReport report() {
      QUERIES.incrementAndGet();
      return new FleetReport("f", 1, 0,
          List.of(new LabReport("f-01", LabReport.Outcome.RUNNING, 0, null, null, 0, null)), null);
    }
  }

  /**
   * {@code fleet status} asks a running night for its report once, {@code fleet release} (which
   * reads the last completed night) not at all. Before, both asked it again in looking for the
   * last completed night: with no worker to answer, {@code status} waited twice the query's
   * 10 s bound in silence, and {@code release} 10 s for nothing.
   */
  @Test
  void aRunningNightIsAskedForItsReportOnceAndNotWhenTheLastCompletedNightIsLookedFor()
      throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try {
      String runId = startRunningNight(env, "fleet-f-1");
      ScheduleDescription schedule =
          listing(new ScheduleActionExecutionStartWorkflow("fleet-f-1", runId));
      TemporalConnection conn = connection(env);
      RunningNight.QUERIES.set(0);

      StringWriter err = new StringWriter();
      FleetStatusCommand.Night latest =
          FleetStatusCommand.night(conn, "fleet-f-1", new PrintWriter(err, true));
      FleetStatusCommand.Night completed = FleetStatusCommand.lastCompleted(conn, schedule);

      assertThat(latest.status()).isEqualTo("RUNNING");
      assertThat(latest.report().labs()).extracting(LabReport::outcome)
          .containsExactly(LabReport.Outcome.RUNNING);
      assertThat(completed).isNull();
      assertThat(RunningNight.QUERIES).hasValue(1);
      assertThat(err.toString()).as("a query answered at once is not announced").isEmpty();
    } finally {
      env.close();
    }
  }

  /**
   * A night the schedule still lists (its last ten) but the namespace's retention removed is said,
   * not thrown: as the latest night, and as the first met in looking for the last completed one
   * (every older night is gone too). Before, describe's NOT_FOUND failed {@code fleet status} and
   * {@code fleet release}: with a retention of days, after a few nights that did not complete.
   */
  @Test
  void aNightPastRetentionIsSaidAsSuchAndEndsTheLookForTheLastCompletedOne() throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try {
      String runId = startRunningNight(env, "fleet-f-2");
      ScheduleDescription schedule = listing(
          new ScheduleActionExecutionStartWorkflow("fleet-f-1", "a-run-past-retention"),
          new ScheduleActionExecutionStartWorkflow("fleet-f-2", runId));
      TemporalConnection conn = connection(env);

      FleetStatusCommand.Night last = FleetStatusCommand.lastCompleted(conn, schedule);
      FleetStatusCommand.Night gone =
          FleetStatusCommand.night(conn, "fleet-f-1", new PrintWriter(new StringWriter()));

      assertThat(last).isEqualTo(new FleetStatusCommand.Night("fleet-f-1", "NOT FOUND", null,
          "no longer on the server (past its namespace's retention)"));
      assertThat(gone).isEqualTo(last);
    } finally {
      env.close();
    }
  }

  /** Starts a {@link RunningNight} with this id on the test server; returns its run id. */
  private static String startRunningNight(TestWorkflowEnvironment env, String workflowId) {
    env.newWorker("nights").registerWorkflowImplementationTypes(RunningNight.class);
    env.start();
    FleetResetWorkflow night = env.getWorkflowClient().newWorkflowStub(FleetResetWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue("nights").build());
    return WorkflowClient.start(night::run, RawJson.of(Map.of())).getRunId();
  }

  private static TemporalConnection connection(TestWorkflowEnvironment env) {
    return new TemporalConnection(ClientConfigProfile.getDefaultInstance(),
        env.getWorkflowClient(), false);
  }

  /** A fleet's schedule description whose recent actions started these nights, oldest first. */
  private static ScheduleDescription listing(ScheduleActionExecutionStartWorkflow... nights) {
    List<ScheduleActionResult> recent =
        Stream.of(nights).map(n -> new ScheduleActionResult(null, null, n)).toList();
    return new ScheduleDescription("fleet-f", new ScheduleInfo(nights.length, 0, 0, List.of(),
        recent, List.of(), null, null), null, Map.of(), SearchAttributes.EMPTY, Map.of(),
        DefaultDataConverter.STANDARD_INSTANCE);
  }

  @Test
  void applyRefusesAnInvalidFileBeforeContactingTemporal() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "name: f\ndefinition: iam-mini\nlabs: [a]\nschedule: {cron: '0 3 * *'}\n");
    CliRun r = run("--definitions", Labs.definitionsDir().toString(), "fleet", "apply", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith(f + ":4:18: schedule.cron: cron '0 3 * *' must be five fields");
  }

  /** Temporal first: the account's scan takes a while, and is for nothing without Temporal. */
  @Test
  void leaksAsksTemporalBeforeItScansTheAccount() throws Exception {
    String address = TemporalCalls.refusing();
    picocli.CommandLine cli = new TemporalCalls().commandLine(address, null);
    AtomicInteger scanned = new AtomicInteger();
    ((LeaksCommand) cli.getSubcommands().get("leaks").getCommand()).scan = () -> {
      scanned.incrementAndGet();
      throw new IllegalStateException("scanned");
    };
    CliRun r = CliRun.run(cli, "leaks");
    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).startsWith("labflow: cannot reach Temporal at " + address);
    assertThat(scanned).hasValue(0);
  }

  @Test
  void aSweepOfNoLabOrOfAWrongIdIsRefusedBeforeContactingTemporal() {
    CliRun waitAlone = run("--task-queue", "q", "leaks", "--wait", "1m");
    assertThat(waitAlone.code()).as(waitAlone.all()).isEqualTo(2);
    assertThat(waitAlone.err()).contains("--wait follows a sweep: give --sweep LAB_ID too");
    CliRun wrongId = run("--task-queue", "q", "leaks", "--sweep", "Lab 1");
    assertThat(wrongId.code()).as(wrongId.all()).isEqualTo(2);
    assertThat(wrongId.err()).contains("--sweep Lab 1: a lab id must be ");
  }

  @Test
  void waitWithoutALabIsRefusedBeforeContactingTemporal() {
    CliRun r = run("--task-queue", "q", "fleet", "reset", "f", "--wait", "1m");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--wait follows the reset of one lab: give --lab too");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : new String[] {"validate", "apply", "list", "status", "reset", "pause", "unpause", "release", "delete"}) {
      CliRun r = run("fleet", sub, "--help");
      assertThat(r.code()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage: labflow fleet " + sub);
    }
    CliRun usage = run("fleet", "status");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(run("fleet").out()).contains("apply", "release", "quarantine".substring(0, 0));
  }

  /**
   * {@code fleet status}'s table of labs (the test server keeps no schedules). Before, a lab id
   * wider than its fixed column pushed the rest of its row right.
   */
  @Test
  void statusColumnsStartWhereTheirHeadersStartWhateverTheWidthOfTheirValues() {
    List<String> lines = FleetStatusCommand.table(List.of(
        row("lab-with-an-id-longer-than-its-column", LabReport.Outcome.FAILED, "attach-policy"),
        row("l1", LabReport.Outcome.OK, "s")));

    assertThat(lines).hasSize(3);
    String header = lines.get(0);
    List<Integer> starts = List.of("LAST NIGHT", "DURATION", "STEP", "STATE", "DETAIL").stream()
        .map(header::indexOf).toList();
    for (String row : lines.subList(1, 3)) {
      assertThat(starts).as(String.join("\n", lines)).allSatisfy(s -> {
        assertThat(row.charAt(s - 1)).isEqualTo(' ');
        assertThat(row.charAt(s)).isNotEqualTo(' ');
      });
    }
  }

  private static FleetStatusCommand.Row row(String labId, LabReport.Outcome outcome, String step) {
    return new FleetStatusCommand.Row(labId,
        new LabReport(labId, outcome, 61_000, step, "AccessDenied", 1, null), false, "LIVE", null);
  }
}
