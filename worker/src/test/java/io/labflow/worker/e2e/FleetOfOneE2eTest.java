package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.worker.client.LabStarter;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.model.Tag;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * One lab's nightly reset is a fleet of one: applied and triggered from the CLI, it rebuilds the
 * lab from scratch (this was the per-lab {@code labflow schedule}'s test, on the fleet's path).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("e2e")
class FleetOfOneE2eTest extends OnLocalStack {

  private static final String QUEUE = "e2e-schedule";
  private static ManagedProcess worker;

  @BeforeAll
  static void startWorker() throws InterruptedException {
    worker = classWorker("worker-schedule", QUEUE, -1);
  }

  private static ResetResult awaitReset(String labId, int expectedCount) throws InterruptedException {
    // Only this lab's resets: other tests (fleets) reset their own labs in the same namespace.
    String query = "WorkflowType='" + LabResetWorkflow.TYPE + "' AND ExecutionStatus!='Running'"
        + " AND LabId='" + labId + "'";
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      List<WorkflowExecutionMetadata> done = stack.client().listExecutions(query).toList();
      if (done.size() >= expectedCount) {
        WorkflowExecutionMetadata latest = done.get(0);
        assertThat(latest.getExecution().getWorkflowId()).isEqualTo("reset-" + labId);
        assertThat(latest.getStatus()).as(worker.tail())
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
        return stack.client().newUntypedWorkflowStub(latest.getExecution().getWorkflowId(),
            Optional.of(latest.getExecution().getRunId()), Optional.empty()).getResult(ResetResult.class);
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no reset finished\n" + worker.tail());
  }

  @Test
  void triggeredScheduleTearsTheLiveLabDownAndBuildsAFreshOne(@TempDir Path dir) throws Exception {
    String labId = "e2e-sched";
    Map<String, String> env = stack.env(QUEUE);
    Cli.Result run = Cli.run(env, "run", "iam-mini", "--lab-id", labId);
    assertThat(run.exitCode()).as(run.all()).isZero();
    String firstRun = stack.client().newUntypedWorkflowStub(labId).describe().getExecution().getRunId();

    Path file = dir.resolve("one.yaml");
    Files.writeString(file, "name: " + labId + "\ndefinition: iam-mini\nvariant: read-write\nlabs: ["
        + labId + "]\nschedule: {cron: \"0 3 * * *\", timeZone: Europe/Paris}\n");
    Cli.Result created = Cli.run(env, "fleet", "apply", file.toString());
    assertThat(created.exitCode()).as(created.all()).isZero();
    Cli.Result described = Cli.run(env, "fleet", "status", labId);
    assertThat(described.out()).contains("fleet-" + labId, "0 3 * * *", "Europe/Paris", "(catch-up 1h, no jitter)");
    ScheduleClient schedules = ScheduleClient.newInstance(stack.client().getWorkflowServiceStubs());
    ScheduleHandle handle = schedules.getHandle("fleet-" + labId);
    // --paused on a fleet that exists: said, not silently ignored.
    Cli.Result reapplied = Cli.run(env, "fleet", "apply", file.toString(), "--paused");
    assertThat(reapplied.exitCode()).as(reapplied.all()).isZero();
    assertThat(reapplied.out()).startsWith("Unchanged schedule fleet-" + labId).endsWith("; its pause"
        + " state is kept (--paused pauses a new schedule only; to pause this one: labflow fleet"
        + " pause " + labId + ")\n");
    ScheduleDescription schedule = handle.describe();
    assertThat(schedule.getSchedule().getState().isPaused()).isFalse();
    assertThat(schedule.getSchedule().getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);

    FleetReport night = FleetE2eTest.night(stack.client(), env, labId, 1, worker);
    assertThat(night.labs()).extracting(LabReport::outcome).as(worker.tail())
        .containsExactly(LabReport.Outcome.OK);
    ResetResult first = awaitReset(labId, 1);
    assertThat(first.previousRunId()).isEqualTo(firstRun);
    assertThat(first.cleanup()).isEqualTo("TORN_DOWN(TORN_DOWN)+SWEPT");
    assertThat(first.sweptByTag()).isEqualTo("nothing");
    assertThat(first.newRunId()).isNotEqualTo(firstRun);
    assertThat(first.state()).isEqualTo(LabState.LIVE);
    LabResult old = stack.client().newUntypedWorkflowStub(labId, Optional.of(firstRun), Optional.empty())
        .getResult(LabResult.class);
    assertThat(old.state()).isEqualTo(LabState.TORN_DOWN);
    LabStatus fresh = stack.client().newWorkflowStub(LabWorkflow.class, labId).status();
    assertThat(fresh.state()).isEqualTo(LabState.LIVE);
    assertThat(fresh.variant()).isEqualTo("read-write");
    assertThat(iam.defaultDocument(iam.policies(labId).get(0))).contains("s3:PutObject");

    // No open run now, and a stray resource carrying the lab's tag: the next reset deletes it by tag.
    assertThat(Cli.run(env, "teardown", labId).exitCode()).isZero();
    iam.client().createRole(b -> b.roleName(labId + "-stray")
        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
        .tags(Tag.builder().key("labflow:lab").value(labId).build(),
            Tag.builder().key("labflow:namespace").value("default").build()));
    FleetE2eTest.night(stack.client(), env, labId, 2, worker);
    ResetResult second = awaitReset(labId, 2);
    assertThat(second.cleanup()).isEqualTo("DELETED_BY_TAG");
    assertThat(second.sweptByTag()).contains(labId + "-stray");
    assertThat(second.state()).isEqualTo(LabState.LIVE);
    assertThat(iam.roles(labId)).extracting(r -> r.roleName()).containsExactly(labId + "-role");

    // Pausing a paused fleet, or unpausing an active one, changes nothing and says so: before,
    // each wrote its own note over the one that said why the fleet was paused.
    Cli.Result active = Cli.run(env, "fleet", "unpause", labId);
    assertThat(active.exitCode()).as(active.all()).isZero();
    assertThat(active.all()).isEqualTo("fleet-" + labId + " is already active; nothing changed\n");
    assertThat(handle.describe().getSchedule().getState().getNote()).isEmpty();
    Cli.Result paused = Cli.run(env, "fleet", "pause", labId, "--note", "AWS incident");
    assertThat(paused.exitCode()).as(paused.all()).isZero();
    assertThat(paused.all()).isEqualTo("Paused fleet-" + labId + "\n");
    Cli.Result again = Cli.run(env, "fleet", "pause", labId);
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.all()).isEqualTo("fleet-" + labId
        + " is already paused (note: AWS incident); nothing changed\n");
    ScheduleState state = handle.describe().getSchedule().getState();
    assertThat(state.isPaused()).isTrue();
    assertThat(state.getNote()).isEqualTo("AWS incident");
    // A new --note on a paused fleet replaces its note (a person says more of why), nothing else.
    Cli.Result noted = Cli.run(env, "fleet", "pause", labId, "--note", "AWS incident, until 14:00");
    assertThat(noted.all()).isEqualTo("fleet-" + labId + " was already paused; its note is now:"
        + " AWS incident, until 14:00 (was: AWS incident)\n");
    state = handle.describe().getSchedule().getState();
    assertThat(state.isPaused()).isTrue();
    assertThat(state.getNote()).isEqualTo("AWS incident, until 14:00");
    assertThat(Cli.run(env, "fleet", "status", labId).out())
        .contains("fleet-" + labId + ", paused (note: AWS incident, until 14:00); next night -");
    JsonNode pausedJson =
        new ObjectMapper().readTree(Cli.run(env, "fleet", "status", labId, "--json").out());
    assertThat(pausedJson.at("/schedule/note").asText()).isEqualTo("AWS incident, until 14:00");
    assertThat(pausedJson.at("/schedule/next").asText()).isEmpty();
    Cli.Result unpaused = Cli.run(env, "fleet", "unpause", labId);
    assertThat(unpaused.exitCode()).as(unpaused.all()).isZero();
    assertThat(unpaused.all()).isEqualTo("Unpaused fleet-" + labId + "\n");
    state = handle.describe().getSchedule().getState();
    assertThat(state.isPaused()).isFalse();
    assertThat(state.getNote()).isEqualTo("unpaused with labflow");
    assertThat(Cli.run(env, "fleet", "status", labId).out()).contains("fleet-" + labId + ", active");
    // A schedule named like a fleet that labflow did not make: neither paused nor triggered
    // (before, both were done to it, as they did not read what it starts).
    ScheduleHandle foreign = schedules.createSchedule("fleet-e2e-foreign", Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType("SomeoneElses")
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId("someone-elses")
                .setTaskQueue("e2e-schedule-nobody").build()).build())
        .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of("0 4 * * *")).build())
        .build(), ScheduleOptions.newBuilder().build());
    for (String command : List.of("pause", "reset")) {
      Cli.Result refused = Cli.run(env, "fleet", command, "e2e-foreign");
      assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
      assertThat(refused.all()).isEqualTo("labflow: schedule fleet-e2e-foreign is not a fleet"
          + " schedule (it does not start FleetResetWorkflow); left as it is\n");
    }
    assertThat(foreign.describe().getSchedule().getState().isPaused()).isFalse();
    assertThat(foreign.describe().getInfo().getNumActions()).isZero();
    foreign.delete();
    // A lab id the fleet does not hold: a sentence, and nothing started.
    Cli.Result stranger = Cli.run(env, "fleet", "reset", labId, "--lab", "e2e-stranger");
    assertThat(stranger.exitCode()).as(stranger.all()).isEqualTo(2);
    assertThat(stranger.all())
        .isEqualTo("labflow: lab 'e2e-stranger' is not in fleet " + labId + "\n");
    assertThatThrownBy(() -> stack.client().newUntypedWorkflowStub("reset-e2e-stranger").describe())
        .isInstanceOf(WorkflowNotFoundException.class);
    assertThat(Cli.run(env, "fleet", "delete", labId).exitCode()).isZero();
    assertThat(Cli.run(env, "teardown", labId).exitCode()).isZero();
    assertThat(iam.roles(labId)).isEmpty();
  }

  /**
   * {@code fleet status}, text and {@code --json}, while a night runs: the night's worker answers
   * its report query, and the lab being reset is listed as running and counted in the totals. The
   * night is held at its lab's reset: the lab's open run is recorded on a task queue no worker
   * polls, so the reset waits for it to close.
   */
  @Test
  void statusWhileANightRunsListsTheLabBeingResetAsRunning(@TempDir Path dir) throws Exception {
    String labId = "e2e-held";
    Map<String, String> env = stack.env(QUEUE);
    stack.client().newUntypedWorkflowStub(LabWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setWorkflowId(labId).setTaskQueue("e2e-schedule-nobody")
        .setTypedSearchAttributes(LabStarter.searchAttributes(labId, "iam-mini", null))
        .build()).start(Map.of("labId", labId, "definition", "iam-mini"));
    Path file = dir.resolve("held.yaml");
    Files.writeString(file, "name: " + labId + "\ndefinition: iam-mini\nlabs: [" + labId
        + "]\nschedule: {cron: \"0 3 * * *\"}\n");
    assertThat(Cli.run(env, "fleet", "apply", file.toString()).exitCode()).isZero();
    assertThat(Cli.run(env, "fleet", "reset", labId).exitCode()).isZero();
    ScheduleClient schedules = ScheduleClient.newInstance(stack.client().getWorkflowServiceStubs());
    String night = null;
    FleetReport report = null;
    for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        (report == null || report.labs().isEmpty()) && System.nanoTime() < end; Thread.sleep(200)) {
      List<String> running = schedules.getHandle("fleet-" + labId).describe().getInfo()
          .getRunningActions().stream()
          .map(a -> ((ScheduleActionExecutionStartWorkflow) a).getWorkflowId()).toList();
      night = running.isEmpty() ? null : running.get(0);
      report = night == null ? null
          : stack.client().newWorkflowStub(FleetResetWorkflow.class, night).report();
    }
    assertThat(report).as("the night, resetting its lab\n" + worker.tail()).isNotNull();

    Cli.Result text = Cli.run(env, "fleet", "status", labId);
    Cli.Result json = Cli.run(env, "fleet", "status", labId, "--json");

    assertThat(text.exitCode()).as(text.all()).isZero();
    assertThat(text.err()).isEmpty();
    assertThat(text.out()).contains("Latest night " + night + ": RUNNING\n", "Totals: ok 0,"
        + " failed 0, quarantined 0, skipped 0, running 1 (in quarantine now: 0)\n")
        .containsPattern("\n" + labId + " +running +");
    assertThat(json.exitCode()).as(json.all()).isZero();
    JsonNode status = new ObjectMapper().readTree(json.out());
    assertThat(status.at("/latestNight/status").asText()).isEqualTo("RUNNING");
    assertThat(status.at("/latestNight/failure").isTextual()).as(json.out()).isFalse();
    assertThat(status.at("/totals/RUNNING").asInt()).isEqualTo(1);
    assertThat(status.at("/labs/0/lastNight/outcome").asText()).isEqualTo("RUNNING");
    for (String id : List.of(night, "reset-" + labId, labId)) {
      stack.client().newUntypedWorkflowStub(id).terminate("test over");
    }
    assertThat(Cli.run(env, "fleet", "delete", labId).exitCode()).isZero();
  }
}
