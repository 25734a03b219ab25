package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's metrics endpoint answers only once the worker polls: {@code scripts/stack up} waits for
 * it, and the lab started next is refused when no worker polls its queue. The worker is a warm
 * stand-by ({@link HaltingWorker}): connected and its AWS account checked, polling only when told.
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkerReadinessE2eTest extends OnLocalStack {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void theMetricsEndpointAnswersOnlyOnceTheWorkerPollsItsQueue() throws Exception {
    String queue = "e2e-readiness";
    int port = Tools.freePort();
    Path go = stack.logDir().resolve("readiness.go");
    Files.deleteIfExists(go);
    Map<String, String> env = new HashMap<>(stack.env(queue));
    env.put("LABFLOW_TEST_START_WHEN", go.toString());
    env.put("LABFLOW_METRICS_PORT", String.valueOf(port));
    try (ManagedProcess worker = ManagedProcess.start("readiness",
            Jvm.main(HaltingWorker.class.getName()), env, stack.logDir());
        TemporalConnection conn = TemporalConnection.open(b -> b.setTarget(stack.temporalAddress()))) {
      // Connected, its account checked, not polling.
      worker.awaitLog("AWS accounts allowed", READY);
      Thread.sleep(2000);
      assertThat(Pollers.polled(conn, queue)).isFalse();
      assertThatThrownBy(() -> scrape(port)).as(worker.tail()).isInstanceOf(IOException.class);

      Files.createFile(go);
      long deadline = System.nanoTime() + READY.toNanos();
      Integer status = null;
      while (status == null && System.nanoTime() < deadline) {
        try {
          status = scrape(port);
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(status).as(worker.tail()).isEqualTo(200);
      assertThat(Pollers.polled(conn, queue)).as(worker.tail()).isTrue();
    }
  }

  private static int scrape(int port) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
