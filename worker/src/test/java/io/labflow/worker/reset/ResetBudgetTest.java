package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabState;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reset's waiting activities and its sweep's retries end before its run does (a minute before
 * its run timeout), so that a reset that runs out of time ends with what its activity waited for
 * ({@code Waiting} ends a wait before its activity's timeout), not the run's bare timeout.
 */
@Tag("fast")
@Timeout(60)
class ResetBudgetTest {

  static final String QUEUE = "reset-budget";

  final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  /** Each activity's timeout as it ran: its StartToClose, or ScheduleToClose for the sweep. */
  static final Map<String, Duration> TIMEOUTS = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    env.close();
  }

  private static void record(String activity, boolean scheduleToClose) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    TIMEOUTS.put(activity,
        scheduleToClose ? info.getScheduleToCloseTimeout() : info.getStartToCloseTimeout());
  }

  /** A lab with no open run, nothing left of it, that comes up at once. */
  static final class Recorded implements ResetActivities, LabInventoryActivities {
    @Override
    public TeardownOutcome tearDownOpenRun(LabRef lab) {
      record("tearDownOpenRun", false);
      return new TeardownOutcome(null, null);
    }

    @Override
    public StartedLab startLab(StartLab start) {
      return new StartedLab(start.labId(), "run-2");
    }

    @Override
    public LabState awaitLive(StartedLab lab) {
      record("awaitLive", false);
      return LabState.LIVE;
    }

    @Override
    public LabResources listLabResources(LabInput input) {
      return new LabResources.Builder(input.labId()).build();
    }

    @Override
    public DeleteLabResourcesOutput deleteLabResources(LabInput input) {
      record("deleteLabResources", true);
      LabResources none = new LabResources.Builder(input.labId()).build();
      return new DeleteLabResourcesOutput(none, none, null);
    }
  }

  @Test
  void aRunOfTenMinutesGivesItsWaitsAndItsSweepNineAtMost(@TempDir Path dir) throws Exception {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LabResetWorkflowImpl.class);
    worker.registerActivitiesImplementations(new Recorded(), TeardownOutcomeTest.mini(dir));
    env.start();
    TIMEOUTS.clear();

    ResetResult result = env.getWorkflowClient().newWorkflowStub(LabResetWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("reset-lab-b").setTaskQueue(QUEUE)
                .setWorkflowRunTimeout(Duration.ofMinutes(10)).build())
        .reset(RawJson.of(new ResetRequest("lab-b", "mini", null, null)));

    assertThat(result.state()).isEqualTo(LabState.LIVE);
    assertThat(TIMEOUTS).containsOnlyKeys("tearDownOpenRun", "deleteLabResources", "awaitLive")
        .allSatisfy((activity, timeout) -> assertThat(timeout).as(activity)
            .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(9)));
  }
}
