package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Recorded fleet nights (3 labs, on the time-skipping server with the stub resets of {@link
 * FleetResetWorkflowTest}) replay against today's workflow: one recorded before the night asked for
 * its quota plan (one lab failing; the plan is behind the version marker {@code quota-plan}, so a
 * night an older worker started finishes unchanged), and one recorded with the code of 0bdd208
 * (the second night of {@code aFailingLabIsReportedWithItsStepAndQuarantinedAfterTheLimitThenReleased}:
 * the lab that failed again is quarantined).
 */
@Tag("fast")
class FleetReplayTest {

  @Test
  void aNightRecordedBeforeTheQuotaPlanReplays() throws Exception {
    replays("/histories/fleet-night-before-quota.json");
  }

  @Test
  void aNightAfterAFailureThatQuarantinesTheLabReplays() throws Exception {
    replays("/histories/fleet-night-after-a-failure.json");
  }

  private static void replays(String resource) throws Exception {
    String json;
    try (InputStream in = FleetReplayTest.class.getResourceAsStream(resource)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    assertThat(history.getEvents()).hasSizeGreaterThan(20);

    WorkflowReplayer.replayWorkflowExecution(history, FleetResetWorkflowImpl.class);
  }
}
