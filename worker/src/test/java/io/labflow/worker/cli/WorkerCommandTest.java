package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The worker's settings are its command's options (each defaulting to its environment variable),
 * refused with one sentence naming the setting before the worker connects to anything.
 */
@Tag("fast")
class WorkerCommandTest {

  @Test
  void aCallBoundBelowOneIsRefusedNamingTheOptionAndItsVariable() {
    CliRun r = run("worker", "--max-concurrent-aws-calls", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("labflow: --max-concurrent-aws-calls (env"
        + " LABFLOW_MAX_CONCURRENT_AWS_CALLS) must be at least 1, got 0" + System.lineSeparator());
  }

  @Test
  void unreadableSiteParametersAreOneSentenceNamingTheOptionTheyCameFrom() {
    CliRun r = run("worker", "--site-parameters", "{\"verifyMethod\":}");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("labflow: --site-parameters: not valid JSON at line 1,")
        .doesNotContain("Exception");
  }

  @Test
  void aMetricsPortInUseIsOneSentenceNamingThePortAndTheOption() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      CliRun r = run("worker", "--metrics-port", String.valueOf(port));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).startsWith("labflow: metrics port " + port + " is in use")
          .contains("--metrics-port", "LABFLOW_METRICS_PORT").doesNotContain("Exception");
    }
  }
}
