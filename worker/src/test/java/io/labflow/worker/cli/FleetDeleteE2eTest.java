package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.worker.e2e.LocalStack;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.fleet.FleetSchedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code fleet delete --teardown-labs} on a real Temporal dev server: what runs is read while the
 * fleet's schedule is paused, so no night starts between the check and the delete; a refused
 * delete leaves the schedule as it was.
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetDeleteE2eTest {

  /** The schedule of a one-lab fleet on a task queue no worker polls, in {@code state}. */
  private static ScheduleHandle fleet(LocalStack.Stack stack, String name, ScheduleState state) {
    ScheduleClient schedules = ScheduleClient.newInstance(stack.client().getWorkflowServiceStubs());
    FleetRequest request = new FleetRequest(name, "iam-mini", 1, 3,
        List.of(new FleetLab(name + "-01", null, Map.of())), Map.of(), null, null);
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
    assertThatThrownBy(handle::describe).satisfies(e -> assertThat(Main.notFound(e)).isTrue());
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
}
