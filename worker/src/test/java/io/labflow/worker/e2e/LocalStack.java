package io.labflow.worker.e2e;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts a real Temporal dev server (ephemeral, headless, with the lab search
 * attributes) and a moto server on free loopback ports, once for the whole test run, and stops
 * them at its end. Test methods and constructors can take the {@link Stack} as a parameter.
 */
public final class LocalStack implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    stack(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return stack(e);
  }

  private static Stack stack(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Stack.class, k -> Stack.start(), Stack.class);
  }

  /** The running servers. */
  public static final class Stack implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final ManagedProcess temporal;
    private final ManagedProcess moto;
    private final int temporalPort;
    private final int motoPort;
    private final Path logDir;
    private final WorkflowServiceStubs service;
    private final WorkflowClient client;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Stack(ManagedProcess temporal, ManagedProcess moto, int temporalPort, int motoPort,
        Path logDir, WorkflowServiceStubs service) {
      this.temporal = temporal;
      this.moto = moto;
      this.temporalPort = temporalPort;
      this.motoPort = motoPort;
      this.logDir = logDir;
      this.service = service;
      this.client = WorkflowClient.newInstance(service,
          WorkflowClientOptions.newBuilder().setNamespace("default").build());
    }

    static Stack start() {
      Path logDir = Tools.repoRoot().resolve("worker/target/e2e-logs");
      int tPort = freePort();
      int mPort = freePort();
      ManagedProcess temporal = ManagedProcess.start("temporal", java.util.stream.Stream.of(List.of(
          Tools.tool("temporal").toString(), "server", "start-dev", "--headless",
          "--ip", "127.0.0.1", "--port", String.valueOf(tPort),
          "--http-port", String.valueOf(freePort()), "--metrics-port", String.valueOf(freePort()),
          "--log-level", "warn"),
          io.labflow.workflows.lab.LabSearchAttributes.devServerFlags()).flatMap(List::stream).toList(),
          Map.of(), logDir);
      ManagedProcess moto = ManagedProcess.start("moto", io.labflow.activities.testing.MotoServer.command(mPort),
          Map.of(), logDir);
      HttpClient http = HttpClient.newHttpClient();
      await("moto on :" + mPort, Duration.ofSeconds(60), moto, () -> {
        try {
          return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mPort + "/moto-api/")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + tPort).build());
      await("Temporal on :" + tPort, Duration.ofSeconds(90), temporal, () -> {
        try {
          return service.healthCheck().getStatus().name().equals("SERVING");
        } catch (RuntimeException e) {
          return false;
        }
      });
      Stack stack = new Stack(temporal, moto, tPort, mPort, logDir, service);
      // The dev server registers the search attributes asynchronously after it starts serving.
      await("search attributes", Duration.ofSeconds(30), temporal, () -> {
        try {
          stack.client.listExecutions("LabState='LIVE'").findFirst();
          return true;
        } catch (RuntimeException e) {
          return false;
        }
      });
      return stack;
    }

    private static void await(String what, Duration timeout, ManagedProcess process, BooleanSupplier ready) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.alive()) {
          throw new IllegalStateException(what + ": process exited\n" + process.tail());
        }
        if (ready.getAsBoolean()) {
          return;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException(what + " not ready after " + timeout + "\n" + process.tail());
    }

    static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        s.setReuseAddress(true);
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    public String temporalAddress() {
      return "127.0.0.1:" + temporalPort;
    }

    public String motoEndpoint() {
      return "http://127.0.0.1:" + motoPort;
    }

    public WorkflowClient client() {
      return client;
    }

    public Path logDir() {
      return logDir;
    }

    /**
     * The environment of a worker or CLI process: Temporal address, and moto's endpoint, region and
     * dummy credentials (moto accepts any; these are not secrets).
     */
    public Map<String, String> env(String taskQueue) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("TEMPORAL_ADDRESS", temporalAddress());
      env.put("TEMPORAL_NAMESPACE", "default");
      env.put("LABFLOW_TASK_QUEUE", taskQueue);
      env.put("AWS_ENDPOINT_URL", motoEndpoint());
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_ACCESS_KEY_ID", "testing");
      env.put("AWS_SECRET_ACCESS_KEY", "testing");
      env.put("LABFLOW_DEFINITIONS_DIR", Labs.definitionsDir().toString());
      return env;
    }

    /** Starts a worker in a child JVM on this task queue. */
    public ManagedProcess startWorker(String name, String taskQueue) {
      return startWorker(name, taskQueue, -1);
    }

    /** Starts a worker in a child JVM on this task queue, serving metrics on this port. */
    public ManagedProcess startWorker(String name, String taskQueue, int metricsPort) {
      return startWorker(name, taskQueue, metricsPort, motoEndpoint());
    }

    /**
     * Starts a worker in a child JVM on this task queue whose AWS endpoint is {@code awsEndpoint}
     * (moto, or a proxy in front of it).
     */
    public ManagedProcess startWorker(String name, String taskQueue, int metricsPort, String awsEndpoint) {
      Map<String, String> env = env(taskQueue);
      env.put("AWS_ENDPOINT_URL", awsEndpoint);
      ManagedProcess p = ManagedProcess.start(name,
          Jvm.command("worker", "--metrics-port", String.valueOf(metricsPort)), env, logDir);
      owned.add(p);
      return p;
    }

    @Override
    public void close() {
      for (AutoCloseable c : owned) {
        try {
          c.close();
        } catch (Exception ignored) {
          // Best effort at the end of the run.
        }
      }
      service.shutdownNow();
      moto.close();
      temporal.close();
    }
  }
}
