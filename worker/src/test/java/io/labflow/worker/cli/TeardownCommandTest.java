package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
