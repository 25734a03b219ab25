package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet night recorded before the night asked for its quota plan (3 labs, one failing, on the
 * time-skipping server with stub resets) replays against today's workflow: the plan is behind the
 * version marker {@code quota-plan}, so a night an older worker started finishes unchanged.
 */
@Tag("fast")
class FleetReplayTest {

  @Test
  void aNightRecordedBeforeTheQuotaPlanReplays() throws Exception {
    String json;
    try (InputStream in = FleetReplayTest.class.getResourceAsStream(
        "/histories/fleet-night-before-quota.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    assertThat(history.getEvents()).hasSizeGreaterThan(20);

    WorkflowReplayer.replayWorkflowExecution(history, FleetResetWorkflowImpl.class);
  }
}
