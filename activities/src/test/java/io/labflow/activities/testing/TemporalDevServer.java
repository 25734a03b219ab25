package io.labflow.activities.testing;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one launcher of a real {@code temporal server start-dev} (in memory, with its Web UI) on free
 * loopback ports, for tests that need what only the server does: its size limits, visibility
 * queries, Schedules, a worker process killed mid-step, the Web UI an operator reads.
 *
 * @param port the frontend's port
 * @param uiPort the Web UI's port
 * @param client a client of the {@code default} namespace
 */
public record TemporalDevServer(
    ManagedProcess process, int port, int uiPort, WorkflowServiceStubs service,
    WorkflowClient client)
    implements AutoCloseable {

  /** Starts a server without search attributes, logging to a temporary directory. */
  public static TemporalDevServer start() throws Exception {
    return start(java.nio.file.Files.createTempDirectory("temporal-dev-"), List.of());
  }

  /**
   * Starts the server with these Keyword search attributes, logging to {@code logDir/temporal.log},
   * and waits until its frontend serves (at most 90 s) and the attributes answer queries (the dev
   * server registers them asynchronously after it starts serving; at most 30 s).
   */
  public static TemporalDevServer start(Path logDir, List<String> keywordAttributes) {
    return Tools.startOnFreePorts(() -> startOn(logDir, keywordAttributes));
  }

  private static TemporalDevServer startOn(Path logDir, List<String> keywordAttributes) {
    int port = Tools.freePort();
    int uiPort = Tools.freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                Tools.tool("temporal").toString(), "server", "start-dev",
                "--ip", "127.0.0.1", "--port", String.valueOf(port),
                "--ui-port", String.valueOf(uiPort),
                "--http-port", String.valueOf(Tools.freePort()),
                "--metrics-port", String.valueOf(Tools.freePort()),
                "--log-level", "warn",
                // TemporalReportedProblems on a run whose workflow task failed twice in a row.
                "--dynamic-config-value",
                "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2"));
    for (String name : keywordAttributes) {
      command.addAll(List.of("--search-attribute", name + "=Keyword"));
    }
    ManagedProcess process = ManagedProcess.start("temporal", command, Map.of(), logDir);
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    TemporalDevServer server =
        new TemporalDevServer(process, port, uiPort, service, WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace("default").build()));
    try {
      process.awaitReady("Temporal on :" + port, Duration.ofSeconds(90), () -> {
        try {
          return service.healthCheck().getStatus().name().equals("SERVING");
        } catch (RuntimeException notYet) {
          return false;
        }
      });
      if (!keywordAttributes.isEmpty()) {
        String query =
            keywordAttributes.stream().map(a -> a + "='-'").collect(Collectors.joining(" OR "));
        process.awaitReady("search attributes " + keywordAttributes, Duration.ofSeconds(30), () -> {
          try {
            server.client.listExecutions(query).findFirst();
            return true;
          } catch (RuntimeException notYet) {
            return false;
          }
        });
      }
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** host:port of the frontend. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The Web UI's address. */
  public String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  @Override
  public void close() {
    service.shutdownNow();
    // The pip package's launcher may run the server as a child process: close stops both.
    process.close();
  }
}
