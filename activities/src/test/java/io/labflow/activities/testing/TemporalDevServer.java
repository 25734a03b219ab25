package io.labflow.activities.testing;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code temporal server start-dev} (in memory, headless) on free loopback ports, for tests
 * that need what only the server does, such as its size limits on stored failures.
 */
public final class TemporalDevServer implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final WorkflowServiceStubs service;

  private TemporalDevServer(Process process, Path log, WorkflowServiceStubs service) {
    this.process = process;
    this.log = log;
    this.service = service;
  }

  /** Starts the server and waits until its frontend answers (at most 90 s). */
  public static TemporalDevServer start() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("temporal-dev-", ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    MotoServer.tool("temporal").toString(),
                    "server",
                    "start-dev",
                    "--headless",
                    "--ip",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--http-port",
                    Integer.toString(freePort()),
                    "--metrics-port",
                    Integer.toString(freePort()),
                    "--log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    TemporalDevServer server = new TemporalDevServer(p, log, service);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (true) {
      if (!p.isAlive()) {
        server.close();
        throw new IllegalStateException("temporal exited: " + Files.readString(log));
      }
      try {
        if (service.healthCheck().getStatus().name().equals("SERVING")) {
          return server;
        }
      } catch (RuntimeException notYet) {
        // The frontend is still starting.
      }
      if (Instant.now().isAfter(deadline)) {
        server.close();
        throw new IllegalStateException("temporal did not start within 90s; log: " + log);
      }
      Thread.sleep(300);
    }
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  @Override
  public void close() throws InterruptedException {
    service.shutdownNow();
    // The pip package's launcher may run the server as a child process.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
