package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays recorded histories (see {@link RecordHistories}) against the current interpreter: a change
 * that would break running labs fails here with a non-determinism error.
 */
@Timeout(90)
@Tag("fast")
class LabWorkflowReplayTest {

  // One environment per history: a replay registers the workflow type on a worker of its own.
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = RecordHistories.newEnvironment();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "success",
        "rollback",
        "pause-retry",
        "switch-teardown",
        "parallel-branch-fails",
        "cancel-running",
        "cancel-paused",
        "pause-skip",
        "rollback-throws",
        "branch-throws",
        "learner-tasks",
        // Recorded before the versioned fixes of LabWorkflowInternalErrorTest (not re-recordable).
        "rollback-throws-before-v1",
        "branch-throws-before-v1"
      })
  void recordedHistoryReplays(String name) throws Exception {
    String json = read("/histories/" + name + ".json");
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    assertThat(history.getEvents()).hasSizeGreaterThan(10);

    WorkflowReplayer.replayWorkflowExecution(history, env, LabWorkflowImpl.class);
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = LabWorkflowReplayTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("history resource %s (run RecordHistories)", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
