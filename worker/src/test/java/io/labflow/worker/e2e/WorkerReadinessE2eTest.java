package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  /**
   * The first metrics port the worker is given is held by the test: the worker exits on it and
   * starts again on a new one ({@link Tools#startOnFreePorts}), as when another process takes a
   * port chosen free before the worker binds it.
   */
  @Test
  void theMetricsEndpointAnswersOnlyOnceTheWorkerPollsItsQueue() throws Exception {
    String queue = "e2e-readiness";
    Path go = stack.logDir().resolve("readiness.go");
    Files.deleteIfExists(go);
    Map<String, String> env = new HashMap<>(stack.env(queue));
    env.put("LABFLOW_TEST_START_WHEN", go.toString());
    List<Integer> tried = new ArrayList<>();
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
        ManagedProcess worker = Tools.startOnFreePorts(() -> {
          tried.add(tried.isEmpty() ? taken.getLocalPort() : Tools.freePort());
          env.put("LABFLOW_METRICS_PORT", String.valueOf(tried.get(tried.size() - 1)));
          return standBy(env);
        });
        TemporalConnection conn = TemporalConnection.open(b -> b.setTarget(stack.temporalAddress()))) {
      assertThat(tried).as(worker.tail()).hasSize(2).first().isEqualTo(taken.getLocalPort());
      int port = tried.get(1);
      // Connected, its account checked, not polling.
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

  /** A warm stand-by worker (metrics on env's port) once connected and its account checked. */
  private static ManagedProcess standBy(Map<String, String> env) {
    ManagedProcess worker = ManagedProcess.start("readiness",
        Jvm.main(HaltingWorker.class.getName()), env, stack.logDir());
    try {
      return worker.awaitLog("AWS accounts allowed", READY);
    } catch (InterruptedException e) {
      worker.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + worker + " started", e);
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  private static int scrape(int port) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
