package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fleet's questions to Temporal, against the time-skipping server, which has no visibility. */
@Timeout(60)
@Tag("fast")
class FleetActivitiesImplTest {

  @Test
  void aServerWithoutVisibilityHasNoRunningResetToWaitFor() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FleetActivitiesImpl activities = new FleetActivitiesImpl(env.getWorkflowClient(), null);
      assertThat(activities.runningReset("lab-01")).isNull();
    }
  }
}
