package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code labflow doctor} without AWS (no region) and without Temporal: its Temporal rows ask on
 * the command line's one connection, as every command does.
 */
@Tag("fast")
class DoctorOfflineTest {

  @TempDir Path definitions;

  private CliRun doctor(CommandLine cli) {
    return CliRun.withoutAwsRegion(() -> CliRun.run(cli, "--definitions", definitions.toString(),
        "doctor"));
  }

  /**
   * Before, the doctor opened a connection of its own, whose first call the SDK retries for its
   * call timeout (10 s) in silence; now a refused connection is one call with the first answer's
   * deadline.
   */
  @Test
  void aRefusedTemporalIsOneCallWithTheFirstAnswersDeadline() throws Exception {
    String address = TemporalCalls.refusing();
    TemporalCalls recorder = new TemporalCalls();
    CliRun r = doctor(recorder.commandLine(address, null));

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(recorder.calls).containsExactly(
        "temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo within the first answer's"
            + " deadline");
    assertThat(r.out()).containsPattern("(?m)^FAIL +Temporal +no answer at .*\\(UNAVAILABLE")
        .containsPattern("(?m)^UNKNOWN +task queue labflow +Temporal did not answer$");
  }

  /** A server that takes the connection and does not answer is said, then waited for. */
  @Test
  void aTemporalSlowToAnswerIsSaidThenWaitedFor() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      String address = "127.0.0.1:" + silent.getLocalPort();
      CliRun r = doctor(new TemporalCalls().commandLine(address, Duration.ofSeconds(1)));

      assertThat(r.err()).isEqualTo("labflow: Temporal at " + address + " has not answered in"
          + " 3s; waiting up to 1s more\n");
      assertThat(r.out()).containsPattern("(?m)^FAIL +Temporal +no answer at .*"
          + "\\(DEADLINE_EXCEEDED");
    }
  }
}
