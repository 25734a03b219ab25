package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.history.v1.HistoryEvent;
import io.labflow.worker.client.LabStarter;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.model.Role;
import org.junit.jupiter.api.Timeout;

/** Fleets on a real Temporal dev server and moto: applied, triggered and inspected from the CLI. */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class FleetE2eTest extends OnLocalStack {

  private static final String QUEUE = "e2e-fleet";
  private static ManagedProcess worker;
  private static ScheduleClient schedules;

  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws InterruptedException {
    worker = classWorker("worker-fleet", QUEUE, -1);
    schedules = ScheduleClient.newInstance(stack.client().getWorkflowServiceStubs());
  }

  static Path fleetFile(String name, String labs, int concurrency, int quarantineAfter) throws Exception {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, "name: " + name + "\ndefinition: iam-mini\nlabs: " + labs + "\n"
        + "schedule:\n  cron: \"0 3 * * *\"\n  timeZone: Europe/Paris\n  catchupWindow: 2h\n"
        + "concurrency: " + concurrency + "\nquarantineAfter: " + quarantineAfter + "\n");
    return f;
  }

  static Cli.Result cli(Map<String, String> env, String... args) {
    Cli.Result r = Cli.run(env, args);
    assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.all() + "\n" + worker.tail()).isZero();
    return r;
  }

  static void stackFor(LocalStack.Stack s) {
    stack = s;
    schedules = ScheduleClient.newInstance(s.client().getWorkflowServiceStubs());
  }

  /** Triggers the fleet's night from the CLI and returns its report once it has finished. */
  static FleetReport night(Map<String, String> env, String fleet, int number, ManagedProcess log)
      throws Exception {
    return night(env, fleet, number, log, true);
  }

  /** The report of the fleet's night {@code number}, triggering it first when asked. */
  static FleetReport night(Map<String, String> env, String fleet, int number, ManagedProcess log,
      boolean trigger) throws Exception {
    return night(stack.client(), schedules, env, fleet, number, log, trigger);
  }

  /** The same in the namespace of {@code client}. */
  static FleetReport night(WorkflowClient client, Map<String, String> env, String fleet, int number,
      ManagedProcess log) throws Exception {
    return night(client, ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build()),
        env, fleet, number, log, true);
  }

  private static FleetReport night(WorkflowClient client, ScheduleClient schedules,
      Map<String, String> env, String fleet, int number, ManagedProcess log, boolean trigger)
      throws Exception {
    if (trigger) {
      Cli.Result r = Cli.run(env, "fleet", "reset", fleet);
      assertThat(r.exitCode()).as(r.all() + "\n" + log.tail()).isZero();
    }
    String id = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (id == null && System.nanoTime() < deadline) {
      ScheduleDescription d = schedules.getHandle("fleet-" + fleet).describe();
      if (d.getInfo().getNumActions() >= number) {
        List<String> ids = new ArrayList<>();
        d.getInfo().getRecentActions().forEach(a ->
            ids.add(((ScheduleActionExecutionStartWorkflow) a.getAction()).getWorkflowId()));
        id = ids.get(ids.size() - 1);
      } else {
        Thread.sleep(200);
      }
    }
    assertThat(id).as("night " + number + " of " + fleet + " started").isNotNull();
    return client.newUntypedWorkflowStub(id)
        .getResult(240, TimeUnit.SECONDS, FleetReport.class, FleetReport.class);
  }

  static List<String> ids(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(String.format("%s%02d", prefix, i));
    }
    return out;
  }

  @Test
  void deleteWithTeardownRefusesWhileANightOrAResetOfTheFleetRuns() throws Exception {
    // On a task queue no worker polls, the night and the reset stay running, as a reset does
    // between its lab's teardown and its fresh start.
    Map<String, String> idle = new HashMap<>(stack.env(QUEUE));
    idle.put("LABFLOW_TASK_QUEUE", "e2e-fleet-nobody");
    cli(idle, "fleet", "apply", fleetFile("e2e-busy", "[busy-01]", 1, 3).toString());
    assertThat(Cli.run(idle, "fleet", "reset", "e2e-busy").exitCode()).isEqualTo(4);
    assertThat(Cli.run(idle, "fleet", "reset", "e2e-busy", "--lab", "busy-01").exitCode()).isEqualTo(4);
    List<String> nights = List.of();
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        nights.isEmpty() && System.nanoTime() < end; Thread.sleep(200)) {
      nights = schedules.getHandle("fleet-e2e-busy").describe().getInfo().getRunningActions().stream()
          .map(a -> ((ScheduleActionExecutionStartWorkflow) a).getWorkflowId()).toList();
    }
    assertThat(nights).as("the triggered night").hasSize(1);
    // As when the worker stopped mid-night: no worker answers the night's report query.
    Cli.Result status = cli(idle, "fleet", "status", "e2e-busy");
    assertThat(status.out()).containsOnlyOnce("Latest night " + nights.get(0) + ": RUNNING: no"
        + " answer to its report query within 10 s; is a worker polling task queue"
        + " e2e-fleet-nobody?\n").doesNotContain("Totals");
    assertThat(status.err()).isEqualTo("Asking night " + nights.get(0) + " for its report (a worker"
        + " polling task queue e2e-fleet-nobody answers it; up to 10 s)...\n");

    Cli.Result refused = Cli.run(stack.env(QUEUE), "fleet", "delete", "e2e-busy", "--teardown-labs");

    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    assertThat(refused.all()).isEqualTo("labflow: fleet e2e-busy is not deleted and no lab is torn"
        + " down: still running: " + nights.get(0) + ", reset-busy-01 (a reset that ends after its"
        + " lab's teardown starts the lab again); wait until they end (labflow fleet status"
        + " e2e-busy), then delete again\n");
    // Left as it was: the check paused it, the refusal unpaused it.
    assertThat(schedules.getHandle("fleet-e2e-busy").describe().getSchedule().getState().isPaused()).isFalse();

    // Without --teardown-labs the schedule goes, and the delete says what it does not stop.
    assertThat(cli(idle, "fleet", "delete", "e2e-busy").out()).isEqualTo("Deleted fleet-e2e-busy;"
        + " its 1 labs are left as they are; the delete does not stop what still runs: "
        + nights.get(0) + ", reset-busy-01\n");
    for (String id : List.of(nights.get(0), "reset-busy-01")) {
      stack.client().newUntypedWorkflowStub(id).terminate("test over");
    }
  }

  @Test
  void aLabResetByHandIsRefusedWhileAPerLabScheduleResetsTheLab() throws Exception {
    Map<String, String> idle = new HashMap<>(stack.env(QUEUE));
    idle.put("LABFLOW_TASK_QUEUE", "e2e-fleet-nobody");
    cli(idle, "fleet", "apply", fleetFile("e2e-legacy", "[legacy-01]", 1, 3).toString());
    // What a per-lab Schedule of the removed `labflow schedule` started (reset-<labId>-<time>).
    String legacy = "reset-legacy-01-2026-12-01T03:00:00Z";
    stack.client().newUntypedWorkflowStub(LabResetWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setWorkflowId(legacy).setTaskQueue("e2e-fleet-nobody")
        .setTypedSearchAttributes(LabStarter.searchAttributes("legacy-01", "iam-mini", null))
        .build()).start(Map.of("labId", "legacy-01", "definition", "iam-mini"));
    String visible = "WorkflowId='" + legacy + "' AND ExecutionStatus='Running'";
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        stack.client().listExecutions(visible).count() == 0 && System.nanoTime() < end; ) {
      Thread.sleep(200);
    }

    Cli.Result refused = Cli.run(idle, "fleet", "reset", "e2e-legacy", "--lab", "legacy-01");

    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    assertThat(refused.all()).isEqualTo("A reset of lab legacy-01 is already running (" + legacy
        + "); not starting another\n");
    stack.client().newUntypedWorkflowStub(legacy).terminate("test over");
    cli(idle, "fleet", "delete", "e2e-legacy");
  }

  @Test
  void eightLabsThreeAtATimeAreAllLiveWithOneSetOfResourcesEach() throws Exception {
    Map<String, String> env = stack.env(QUEUE);
    Path file = fleetFile("e2e-eight", "{prefix: fl-, count: 8}", 3, 3);
    assertThat(cli(env, "fleet", "validate", file.toString()).out()).contains("valid (fleet e2e-eight: 8 labs");
    assertThat(cli(env, "fleet", "apply", file.toString()).out()).startsWith("Created schedule fleet-e2e-eight");
    assertThat(cli(env, "fleet", "apply", file.toString()).out()).startsWith("Unchanged schedule fleet-e2e-eight");
    List<String> labs = ids("fl-", 8);

    FleetReport first = night(env, "e2e-eight", 1, worker);
    assertThat(first.labs()).extracting(LabReport::outcome).as(worker.tail()).containsOnly(LabReport.Outcome.OK);
    Map<String, String> firstRuns = new HashMap<>();
    Map<String, Instant> firstRoles = new HashMap<>();
    for (String lab : labs) {
      firstRuns.put(lab, stack.client().newUntypedWorkflowStub(lab).describe().getExecution().getRunId());
      firstRoles.put(lab, iam.roleCreated(lab + "-role").orElseThrow());
    }

    Instant secondStarted = Instant.now();
    FleetReport second = night(env, "e2e-eight", 2, worker);
    assertThat(second.labs()).extracting(LabReport::labId).containsExactlyElementsOf(labs);
    assertThat(second.labs()).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(LabReport.Outcome.OK);
      assertThat(r.durationMs()).isPositive();
    });
    assertThat(second.totals().get(LabReport.Outcome.OK)).isEqualTo(8);
    for (String lab : labs) {
      assertThat(stack.client().newWorkflowStub(LabWorkflow.class, lab).status().state()).isEqualTo(LabState.LIVE);
      // The previous night's run tore itself down, and its resources are gone: one set per lab.
      LabResult old = stack.client().newUntypedWorkflowStub(lab, Optional.of(firstRuns.get(lab)), Optional.empty())
          .getResult(LabResult.class);
      assertThat(old.state()).isEqualTo(LabState.TORN_DOWN);
      assertThat(iam.roles(lab)).extracting(Role::roleName).containsExactly(lab + "-role");
      assertThat(iam.policies(lab)).hasSize(1);
      assertThat(iam.roleCreated(lab + "-role").orElseThrow()).isAfter(firstRoles.get(lab));
    }

    // Concurrency, from the children's own histories: start and close of every reset of night 2.
    List<Instant[]> spans = new ArrayList<>();
    for (WorkflowExecutionMetadata m : stack.client().listExecutions(
        "WorkflowType='" + LabResetWorkflow.TYPE + "' AND WorkflowId STARTS_WITH 'reset-fl-'").toList()) {
      List<HistoryEvent> events = stack.client().fetchHistory(m.getExecution().getWorkflowId(),
          m.getExecution().getRunId()).getEvents();
      Instant start = instant(events.get(0));
      if (start.isAfter(secondStarted)) {
        spans.add(new Instant[] {start, instant(events.get(events.size() - 1))});
      }
    }
    assertThat(spans).hasSize(8);
    int max = maxOverlap(spans);
    System.out.println("fleet of 8, concurrency 3: at most " + max + " resets at once");
    assertThat(max).isLessThanOrEqualTo(3).isGreaterThan(1);

    // An edited file updates the one schedule in place.
    Files.writeString(file, Files.readString(file).replace("concurrency: 3", "concurrency: 4"));
    assertThat(cli(env, "fleet", "apply", file.toString()).out()).startsWith("Updated schedule fleet-e2e-eight");
    assertThat(cli(env, "fleet", "apply", file.toString()).out()).startsWith("Unchanged");
    List<ScheduleListDescription> all = schedules.listSchedules().toList().stream()
        .filter(s -> s.getScheduleId().equals("fleet-e2e-eight")).toList();
    assertThat(all).hasSize(1);
    Cli.Result status = cli(env, "fleet", "status", "e2e-eight");
    assertThat(status.out()).contains("4 at a time", "\"0 3 * * *\" Europe/Paris", "ok 8, failed 0",
        "fl-08", "LIVE");

    Cli.Result deleted = cli(env, "fleet", "delete", "e2e-eight", "--teardown-labs");
    assertThat(deleted.out()).contains("Tore down 8 of 8 labs");
    labs.forEach(lab -> assertThat(iam.roles(lab)).isEmpty());
    assertThat(Cli.run(env, "fleet", "status", "e2e-eight").exitCode()).isEqualTo(1);
  }

  private static Instant instant(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }

  static int maxOverlap(List<Instant[]> spans) {
    int max = 0;
    for (Instant[] s : spans) {
      int n = 0;
      for (Instant[] o : spans) {
        if (!o[0].isAfter(s[0]) && o[1].isAfter(s[0])) {
          n++;
        }
      }
      max = Math.max(max, n);
    }
    return max;
  }

  @Test
  void aLabThatKeepsFailingIsQuarantinedSkippedAndReleasedWhileTheLookAlikeStaysIntact() throws Exception {
    Map<String, String> env = stack.env(QUEUE);
    Path file = fleetFile("e2e-quarantine", "[q-01, q-02, q-03]", 3, 2);
    cli(env, "fleet", "apply", file.toString());
    // Not labflow's: same name the lab would give its role, no labflow:lab tag.
    iam.client().createRole(b -> b.roleName("q-02-role")
        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    Instant lookAlike = iam.roleCreated("q-02-role").orElseThrow();

    FleetReport one = night(env, "e2e-quarantine", 1, worker);
    LabReport failed = one.lab("q-02");
    assertThat(failed.outcome()).as(worker.tail()).isEqualTo(LabReport.Outcome.FAILED);
    assertThat(failed.step()).isEqualTo("role");
    assertThat(failed.error()).contains("step 'role' (CreateRole) refused", "was not created by this run of lab q-02");
    assertThat(failed.quarantined()).isFalse();
    assertThat(one.lab("q-01").outcome()).isEqualTo(LabReport.Outcome.OK);
    assertThat(one.lab("q-03").outcome()).isEqualTo(LabReport.Outcome.OK);

    FleetReport two = night(env, "e2e-quarantine", 2, worker);
    assertThat(two.lab("q-02").outcome()).isEqualTo(LabReport.Outcome.FAILED);
    assertThat(two.lab("q-02").quarantined()).isTrue();
    Cli.Result status = cli(env, "fleet", "status", "e2e-quarantine");
    assertThat(status.out()).contains("failed (2 nights), now quarantined", "in quarantine now: 1");

    FleetReport three = night(env, "e2e-quarantine", 3, worker);
    assertThat(three.lab("q-02").outcome()).isEqualTo(LabReport.Outcome.QUARANTINED);
    assertThat(three.lab("q-01").outcome()).isEqualTo(LabReport.Outcome.OK);
    assertThat(three.lab("q-03").outcome()).isEqualTo(LabReport.Outcome.OK);
    long q02Resets = stack.client().listExecutions("WorkflowType='" + LabResetWorkflow.TYPE
        + "' AND WorkflowId='reset-q-02'").count();
    assertThat(q02Resets).as("night 3 left the quarantined lab alone").isEqualTo(2);
    assertThat(cli(env, "fleet", "status", "e2e-quarantine", "--json").out())
        .contains("\"labId\" : \"q-02\"", "\"quarantined\" : true", "\"outcome\" : \"QUARANTINED\"");
    // The look-alike was never touched, and no labflow resource of q-02 is left behind.
    assertThat(iam.roleCreated("q-02-role")).contains(lookAlike);
    assertThat(iam.client().listRoleTags(b -> b.roleName("q-02-role")).tags()).isEmpty();
    assertThat(iam.policies("q-02")).isEmpty();

    // A person looks, removes the look-alike, releases the lab: the next night resets it.
    Cli.Result released = cli(env, "fleet", "release", "q-02");
    assertThat(released.out()).contains("Released lab q-02 of fleet e2e-quarantine");
    // Again before the night: nothing more is written (before: "Released" again).
    assertThat(cli(env, "fleet", "release", "q-02").out())
        .contains("Lab q-02 of fleet e2e-quarantine is already released: the next night resets it");
    assertThat(Cli.run(env, "fleet", "release", "q-01").exitCode()).isEqualTo(1);
    iam.client().deleteRole(b -> b.roleName("q-02-role"));
    FleetReport four = night(env, "e2e-quarantine", 4, worker);
    assertThat(four.labs()).extracting(LabReport::outcome).containsOnly(LabReport.Outcome.OK);
    assertThat(four.lab("q-02").consecutiveFailures()).isZero();
    assertThat(iam.roles("q-02")).hasSize(1);
    cli(env, "fleet", "delete", "e2e-quarantine", "--teardown-labs");
  }
}
