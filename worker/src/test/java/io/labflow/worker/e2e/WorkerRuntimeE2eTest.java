package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.activities.testing.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker process itself: Prometheus metrics, lab-tagged log lines, graceful SIGTERM. */
@ExtendWith(LocalStack.class)
@Tag("e2e")
class WorkerRuntimeE2eTest {

  @Test
  void servesMetricsCountsAwsCallsLogsTheLabAndStopsGracefully(LocalStack.Stack stack) throws Exception {
    String queue = "e2e-runtime";
    String labId = "e2e-metrics";
    int port = Tools.freePort();
    Map<String, String> env = stack.env(queue);
    ManagedProcess worker = stack.startWorker("worker-runtime", queue, port)
        .awaitLog("polling", Duration.ofSeconds(60));

    Cli.Result run = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", labId);
    assertThat(run.exitCode()).as(run.all()).isZero();

    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    // One CreateRole call (the role did not exist), one CreatePolicy: nothing retried on moto.
    assertThat(count(metrics, "CreateRole")).isEqualTo(1.0);
    assertThat(count(metrics, "CreatePolicy")).isEqualTo(1.0);
    assertThat(metrics).contains("temporal_");

    assertThat(Cli.run(env, "teardown", labId).exitCode()).isZero();
    assertThat(worker.terminate(Duration.ofSeconds(40))).isNotEqualTo(-1);
    String log = Files.readString(worker.log());
    assertThat(log).contains("Shutting down: draining in-flight tasks", "labflow worker stopped");
    assertThat(log.lines().filter(l -> l.contains("created role")))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("[lab=" + labId + " wf=" + labId + " act="));
  }

  private static double count(String metrics, String operation) {
    Matcher m = Pattern.compile("^labflow_aws_calls_total\\{[^}]*operation=\"" + operation
        + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
