package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code labflow teardown} on a double lab: what it says while it follows and after. */
@Tag("fast")
class TeardownCommandTest {

  private static DoubleLabServer server;

  @BeforeAll
  static void start() {
    server = new DoubleLabServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Before, the wait was printed as Java writes it (`PT1M30S`), not as the flag takes it. */
  @Test
  void theFollowingTimeIsWrittenAsTheFlagTakesIt() {
    server.startLab("td-wait");

    DoubleLabServer.Result r = server.labflow("teardown", "td-wait", "--wait", "90s");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).as(r.all()).startsWith("Tearing lab td-wait down (following up to 1m30s)...\n");
  }

  /**
   * A teardown recorded with no worker polling is in the server's record `status` prints (before:
   * that record showed the lab LIVE and nothing of the teardown the command said it would show).
   */
  @Test
  void aTeardownRecordedWithNoWorkerIsInTheRecordStatusPrints() {
    LabWorkflow lab = server.client.newWorkflowStub(LabWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId("td-later").setTaskQueue("no-worker").build());
    WorkflowClient.start(lab::run, null);
    server.polled = () -> false;
    try {
      assertThat(server.labflow("status", "td-later").out()).doesNotContain("Teardown");

      DoubleLabServer.Result teardown = server.labflow("teardown", "td-later");
      DoubleLabServer.Result status = server.labflow("status", "td-later");

      assertThat(teardown.code()).as(teardown.all()).isEqualTo(4);
      assertThat(teardown.err()).as(teardown.all()).endsWith("; teardown of lab td-later recorded;"
          + " will run when a worker polls (labflow status td-later shows it)\n");
      assertThat(status.code()).as(status.all()).isZero();
      assertThat(status.out()).as(status.all()).contains("Teardown: recorded, not taken yet (signal"
          + " requestTeardown); it runs when a worker polls task queue no-worker\n");
    } finally {
      server.polled = () -> true;
    }
  }
}
