package io.labflow.worker.e2e;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.TemporalDevServer;
import io.labflow.activities.testing.Tools;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts a real Temporal dev server (ephemeral, headless, with the lab search
 * attributes) and a moto server on free loopback ports, once for the test JVM, and stops them
 * when it exits. Test methods and constructors can take the {@link Stack} as a parameter.
 */
public final class LocalStack implements BeforeAllCallback, ParameterResolver {

  /** The lab's Keyword search attributes, registered when the server starts. */
  static final List<String> SEARCH_ATTRIBUTES =
      LabSearchAttributes.ALL.stream().map(key -> key.getName()).toList();

  private static final Pattern METRICS_PORT =
      Pattern.compile("metrics on http://0\\.0\\.0\\.0:(\\d+)/metrics");

  @Override
  public void beforeAll(ExtensionContext context) {
    stack();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return stack();
  }

  private static Stack stack;

  private static synchronized Stack stack() {
    if (stack == null) {
      stack = Tools.closedAtExit(Stack.start());
    }
    return stack;
  }

  /**
   * The port a worker started with {@code --metrics-port 0} bound, read from its "polling" line
   * (await that first): a port chosen free and handed to the worker could be taken before it binds.
   */
  static int metricsPort(ManagedProcess worker) {
    try {
      Matcher m = METRICS_PORT.matcher(Files.readString(worker.log()));
      if (!m.find()) {
        throw new IllegalStateException(worker + " logged no metrics port:\n" + worker.tail());
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The running servers. */
  public static final class Stack implements AutoCloseable {
    private final TemporalDevServer temporal;
    private final MotoProcess moto;
    private final Path logDir;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private Iam iam;

    private Stack(TemporalDevServer temporal, MotoProcess moto, Path logDir) {
      this.temporal = temporal;
      this.moto = moto;
      this.logDir = logDir;
    }

    static Stack start() {
      Path logDir = Tools.forkDir(Tools.repoRoot().resolve("worker/target/e2e-logs"));
      // Neither server needs the other: moto starts while Temporal does.
      CompletableFuture<MotoProcess> moto =
          CompletableFuture.supplyAsync(() -> MotoProcess.start("moto", logDir));
      TemporalDevServer temporal;
      try {
        temporal = TemporalDevServer.start(logDir, SEARCH_ATTRIBUTES);
      } catch (RuntimeException e) {
        try {
          moto.join().close();
        } catch (RuntimeException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        throw e;
      }
      try {
        return new Stack(temporal, moto.join(), logDir);
      } catch (RuntimeException e) {
        temporal.close();
        throw e;
      }
    }

    public String temporalAddress() {
      return temporal.address();
    }

    public String motoEndpoint() {
      return moto.endpoint();
    }

    /** The Temporal Web UI of this server. */
    public String uiUrl() {
      return temporal.uiUrl();
    }

    public MotoProcess moto() {
      return moto;
    }

    public WorkflowClient client() {
      return temporal.client();
    }

    public Path logDir() {
      return logDir;
    }

    /** The tests' own view of this moto's IAM, one for the run. */
    public synchronized Iam iam() {
      if (iam == null) {
        iam = new Iam(motoEndpoint());
        owned.add(iam);
      }
      return iam;
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
      env.putAll(moto.awsEnv(MotoProcess.ACCESS_KEY, MotoProcess.SECRET_KEY));
      env.put("LABFLOW_DEFINITIONS_DIR", Labs.definitionsDir().toString());
      // This moto does not enforce AWS's quotas, and many labs share it for the whole run.
      env.put("LABFLOW_QUOTAS", "off");
      return env;
    }

    /**
     * Creates the namespace, registers the lab search attributes in it, waits until it answers
     * queries on them, and returns a client of it.
     */
    public WorkflowClient namespace(String name) {
      String temporal = Tools.tool("temporal").toString();
      List<String> base = List.of("--address", temporalAddress(), "--namespace", name);
      Cli.Result created = Cli.exec(concat(List.of(temporal, "operator", "namespace", "create",
          "--retention", "24h"), base), Map.of());
      if (created.exitCode() != 0) {
        throw new IllegalStateException("namespace " + name + ": " + created.all());
      }
      for (String attribute : SEARCH_ATTRIBUTES) {
        await("search attribute " + attribute + " in " + name, () -> Cli.exec(concat(List.of(
            temporal, "operator", "search-attribute", "create", "--name", attribute, "--type",
            "Keyword"), base), Map.of()).exitCode() == 0);
      }
      WorkflowClient c = WorkflowClient.newInstance(client().getWorkflowServiceStubs(),
          WorkflowClientOptions.newBuilder().setNamespace(name).build());
      await("namespace " + name + " answers queries on the lab attributes", () -> {
        try {
          c.listExecutions("LabState='LIVE'").findFirst();
          return true;
        } catch (RuntimeException notYet) {
          return false;
        }
      });
      return c;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!done.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not within 60 s: " + what);
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> out = new ArrayList<>(a);
      out.addAll(b);
      return out;
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
      moto.close();
      temporal.close();
    }
  }
}
