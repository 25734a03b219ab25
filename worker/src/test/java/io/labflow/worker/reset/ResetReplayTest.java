package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A nightly reset of a live lab, recorded on moto with the worker code of 0bdd208 (the reset of {@code
 * ResetOnMotoTest.aFailedStackOfAnotherLabDoesNotBreakTheReset}: resolve, read, tear down, sweep,
 * start the fresh lab, wait for it to be live), replays against today's workflow.
 */
@Tag("fast")
class ResetReplayTest {

  @Test
  void aResetOfALiveLabReplays() throws Exception {
    String json;
    try (InputStream in =
        ResetReplayTest.class.getResourceAsStream("/histories/reset-live-lab-on-moto.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    assertThat(history.getEvents()).hasSizeGreaterThan(20);

    WorkflowReplayer.replayWorkflowExecution(history, LabResetWorkflowImpl.class);
  }
}
