package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.e2e.LocalStack;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.fleet.FleetSchedule;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.envconfig.ClientConfigProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code fleet delete --teardown-labs} on a real Temporal dev server: what runs is read while the
 * fleet's schedule is paused, so no night starts between the check and the delete; a refused
 * delete leaves the schedule as it was.
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetDeleteE2eTest {

  /** The schedule of a fleet of {@code labs} (one by default) on a task queue no worker polls. */
  private static ScheduleHandle fleet(LocalStack.Stack stack, String name, ScheduleState state,
      String... labs) {
    ScheduleClient schedules = ScheduleClient.newInstance(stack.client().getWorkflowServiceStubs());
    FleetRequest request = new FleetRequest(name, "iam-mini", 1, 3,
        Stream.of(labs.length == 0 ? new String[] {name + "-01"} : labs)
            .map(l -> new FleetLab(l, null, Map.of())).toList(), Map.of(), null, null);
    return schedules.createSchedule(Fleet.scheduleId(name), new FleetSchedules.Content(
        new FleetSchedule("0 3 * * *", "UTC", Duration.ofHours(1), Duration.ZERO), request,
        "e2e-fleet-delete-nobody").schedule(state), ScheduleOptions.newBuilder().build());
  }

  @Test
  void theCheckSeesTheSchedulePausedAndARefusalLeavesItUnpaused(LocalStack.Stack stack) {
    ScheduleHandle handle = fleet(stack, "e2e-del-on", ScheduleState.newBuilder().build());
    List<Boolean> pausedAtCheck = new ArrayList<>();

    List<String> refused = FleetSchedules.deleteUnlessRunning(handle, d -> {
      pausedAtCheck.add(handle.describe().getSchedule().getState().isPaused());
      return List.of("fleet-e2e-del-on-night");
    });

    assertThat(refused).containsExactly("fleet-e2e-del-on-night");
    assertThat(pausedAtCheck).containsExactly(true);
    assertThat(handle.describe().getSchedule().getState().isPaused()).isFalse();

    List<Boolean> pausedAtSecondCheck = new ArrayList<>();
    assertThat(FleetSchedules.deleteUnlessRunning(handle, d -> {
      pausedAtSecondCheck.add(d.getSchedule().getState().isPaused());
      return List.of();
    })).isEmpty();
    assertThat(pausedAtSecondCheck).containsExactly(true);
    assertThatThrownBy(handle::describe).satisfies(e -> assertThat(TemporalConnection.notFound(e)).isTrue());
  }

  @Test
  void aRefusalLeavesAPausedScheduleAsItWasWithItsNote(LocalStack.Stack stack) {
    ScheduleHandle handle = fleet(stack, "e2e-del-off",
        ScheduleState.newBuilder().setPaused(true).setNote("paused for the exam week").build());
    List<ScheduleState> atCheck = new ArrayList<>();

    List<String> refused = FleetSchedules.deleteUnlessRunning(handle, d -> {
      atCheck.add(d.getSchedule().getState());
      return List.of("reset-e2e-del-off-01");
    });

    assertThat(refused).containsExactly("reset-e2e-del-off-01");
    assertThat(atCheck).singleElement().satisfies(s -> assertThat(s.isPaused()).isTrue());
    ScheduleState after = handle.describe().getSchedule().getState();
    assertThat(after.isPaused()).isTrue();
    assertThat(after.getNote()).isEqualTo("paused for the exam week");
    handle.delete();
  }

  /**
   * The labs are torn down by this command line's own teardown: its connection and root options
   * (here its worker check, which a fresh command line would not have asked), not a second
   * command line taken from the environment; a lab that never ran has nothing to tear down.
   */
  @Test
  void theLabsAreTornDownByThisCommandLineAndALabThatNeverRanIsDone(LocalStack.Stack stack) {
    fleet(stack, "e2e-del-own", ScheduleState.newBuilder().build(), "e2e-del-own-01",
        "e2e-del-own-02");
    WorkflowClient client = stack.client();
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId("e2e-del-own-01").setTaskQueue("e2e-del-own-nobody").build());
    WorkflowClient.start(lab::run, null);
    LabflowCommand root = new LabflowCommand();
    root.connector = () ->
        new TemporalConnection(ClientConfigProfile.getDefaultInstance(), client, false);
    List<String> asked = new CopyOnWriteArrayList<>();
    root.polled = (conn, queue) -> {
      asked.add(queue);
      return false;
    };
    CommandLine cli = Main.newCommandLine(root, CommandLine.defaultFactory());
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(cli.getOut());

    int code = cli.execute("fleet", "delete", "e2e-del-own", "--teardown-labs");

    List<String> lines = out.toString().lines().toList();
    assertThat(code).as(out.toString()).isEqualTo(NoWorker.EXIT_CODE);
    assertThat(lines).as(out.toString()).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("Deleted fleet-e2e-del-own");
    assertThat(lines.get(1)).startsWith("  e2e-del-own-01: ").contains("e2e-del-own-nobody")
        .endsWith("teardown of lab e2e-del-own-01 recorded; will run when a worker polls"
            + " (labflow status e2e-del-own-01 shows it)");
    assertThat(lines.get(2)).isEqualTo("  e2e-del-own-02: never ran; nothing to tear down");
    assertThat(lines.get(3)).isEqualTo("Tore down 0 of 2 labs; 1 had nothing left to tear down; 1 recorded");
    assertThat(asked).containsExactly("e2e-del-own-nobody");
    WorkflowStub run = client.newUntypedWorkflowStub("e2e-del-own-01");
    assertThat(run.describe().getStatus().name()).endsWith("RUNNING");
    run.terminate("test over");
  }
}
