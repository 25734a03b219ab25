package io.labflow.worker.runtime;

import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AwsFailures;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetActivitiesImpl;
import io.labflow.worker.fleet.FleetResetWorkflowImpl;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.reset.LabResetWorkflowImpl;
import io.labflow.worker.reset.ResetActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.Preflight;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker process: one Temporal worker on the lab task queue running the lab interpreter, the
 * reset workflow, the definition resolver and every AWS activity of the step library.
 */
public final class LabWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LabWorker.class);

  /**
   * Heartbeats reach the server at least every 10 s when they change: the SDK otherwise holds one
   * for 0.8 x the activity's heartbeat timeout (48 s for a stack's deletion), so a follow, status
   * and fleet status said a step waited for what it had finished with (one heartbeat call each
   * 10 s per long step, no history event).
   */
  public static final WorkerOptions WORKER_OPTIONS = WorkerOptions.newBuilder()
      .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(10)).build();

  /**
   * How the worker is set up.
   *
   * @param taskQueue the task queue to poll
   * @param definitionsDir where named definitions are read from
   * @param metricsPort port of the Prometheus endpoint; 0 picks a free one, negative disables it
   * @param drainTimeout how long a shutdown waits for in-flight tasks
   * @param maxAwsCalls how many AWS calls may run at once ({@link AwsCalls})
   * @param site the site parameters filled in between a run's own and the definition's defaults
   */
  public record Settings(String taskQueue, Path definitionsDir, int metricsPort,
      Duration drainTimeout, int maxAwsCalls, SiteParameters site) {}

  private final Settings settings;
  private final PrometheusMeterRegistry registry;
  private final Scope metricsScope;
  private final TemporalConnection connection;
  private final WorkerFactory factory;
  private final Composition.AwsAccess access;
  private final HttpServer metrics;
  private final ServerGauges serverGauges;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** A worker with more interceptors after labflow's own (tests use it to halt at a chosen point). */
  public LabWorker(Settings settings, List<WorkerInterceptor> more) throws IOException {
    this.settings = settings;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new LabflowMeters());
    // Bound first: a port in use stops the worker before it opens a connection or AWS clients.
    this.metrics = settings.metricsPort() >= 0 ? metricsServer(settings.metricsPort()) : null;
    this.metricsScope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(5));
    this.connection = TemporalConnection.open(b -> b.setMetricsScope(metricsScope));
    this.factory = WorkerFactory.newInstance(connection.client(),
        WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(Stream.concat(
                Stream.of(new BoundedActivityInterceptor()),
                more.stream()).toArray(WorkerInterceptor[]::new))
            .build());
    this.access = Composition.awsAccess(List.of(new AwsCalls(registry, settings.maxAwsCalls())));
    log.info("{}", access.guard().policy().describe());
    Worker worker = factory.newWorker(settings.taskQueue(), WORKER_OPTIONS);
    worker.registerWorkflowImplementationTypes(
        LabWorkflowImpl.class, LabResetWorkflowImpl.class, FleetResetWorkflowImpl.class);
    Path dir = settings.definitionsDir();
    worker.registerActivitiesImplementations(
        Composition.definitionActivities(
            new DirectoryDefinitionSource(dir), preflight(access, dir), settings.site()),
        new ResetActivitiesImpl(connection.client(), settings.taskQueue()),
        new FleetActivitiesImpl(connection.client(),
            new QuotaPlanner(access.clients(), dir, settings.site())));
    worker.registerActivitiesImplementations(
        StepLibrary.implementations(access.clients(), dir).toArray());
    this.serverGauges =
        new ServerGauges(connection.client(), connection.schedules(), registry);
  }

  /**
   * The checks a worker runs on every lab before its first step (and {@code labflow doctor} runs
   * for each definition): the account guard first, so that a lab in an account that is not allowed
   * fails in the resolve, having called only {@code sts:GetCallerIdentity} (the guard on the
   * clients refuses it on every later call too); then the step library's preflight.
   */
  public static Preflight preflight(Composition.AwsAccess access, Path definitionsDir) {
    return Preflight.all(List.of(
        (labId, lab) -> {
          try {
            access.guard().verify();
          } catch (SdkException e) {
            // STS unreachable or throttled: retried like any AWS failure, by the one mapping table.
            throw AwsFailures.map(e);
          }
        },
        new AwsLabPreflight(access, definitionsDir)));
  }

  private HttpServer metricsServer(int port) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (BindException e) {
      throw new IllegalStateException("metrics port " + port + " is in use (" + e.getMessage()
          + "); choose another with --metrics-port or LABFLOW_METRICS_PORT, or -1 for none");
    }
    server.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    });
    return server;
  }

  /**
   * Refuses a namespace without the lab search attributes, checks the AWS account once (so the
   * first activity finds its clients warm), then polls.
   */
  public void start() {
    requireSearchAttributes(connection.service(), connection.namespace());
    try {
      AccountGuard.Identity id = access.guard().verify();
      log.info("AWS account {} allowed; acting as {}", id.account(), id.arn());
    } catch (io.temporal.failure.ApplicationFailure refused) {
      log.warn("{} Every run will be refused until then.", refused.getOriginalMessage());
    } catch (RuntimeException notYet) {
      log.warn("Could not check the AWS account yet ({}); each run checks it before its first step",
          notYet.toString());
    }
    factory.start();
    serverGauges.start();
    // Served once the worker polls: an endpoint that answers means a worker that takes work
    // (scripts/stack waits for it before a lab is started).
    if (metrics != null) {
      metrics.start();
    }
    // Site parameters by name only; the values a lab used are in its history.
    log.info("labflow worker polling task queue '{}' in namespace '{}'; definitions from {}; site"
            + " parameters {}; at most {} concurrent AWS calls; metrics {}",
        settings.taskQueue(), connection.namespace(), settings.definitionsDir().toAbsolutePath(),
        settings.site().values().keySet(), settings.maxAwsCalls(),
        metrics == null ? "disabled"
            : "on http://0.0.0.0:" + metrics.getAddress().getPort() + "/metrics");
  }

  /**
   * Refuses a namespace without every search attribute of {@link LabSearchAttributes#ALL}: without
   * them each lab's first workflow task fails {@code BadSearchAttributes} and is retried forever.
   * Asks the OperatorService which attributes the namespace has; throws {@link
   * IllegalStateException} with one sentence (the missing ones and the command that adds them) when
   * some are missing or the namespace does not exist. A server that does not let the worker ask
   * (for example a Cloud API key without operator rights) only gets a warning.
   */
  private static void requireSearchAttributes(WorkflowServiceStubs service, String namespace) {
    String address = service.getOptions().getTarget();
    List<String> names = LabSearchAttributes.ALL.stream().map(k -> k.getName()).toList();
    Map<String, IndexedValueType> listed;
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(service.getOptions()).build());
    try {
      listed = operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest
          .newBuilder().setNamespace(namespace).build()).getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new IllegalStateException(TemporalConnection.noNamespace(service, namespace));
      }
      log.warn("Could not check the search attributes of namespace '{}' ({}); labs fail their first"
          + " workflow task if {} are not registered there", namespace, e.getStatus().getCode(),
          String.join(", ", names));
      return;
    } finally {
      operator.shutdown();
    }
    List<String> missing = names.stream()
        .filter(n -> listed.get(n) != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Temporal namespace '" + namespace + "' at " + address
          + " lacks labflow's Keyword search attribute" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + ", so every lab there would fail its first workflow task;"
          + " add them with: temporal operator search-attribute create --address " + address
          + " --namespace " + namespace
          // The CLI pairs each --name with a --type.
          + missing.stream().map(n -> " --name " + n + " --type Keyword")
              .collect(Collectors.joining()));
    }
  }

  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops polling, lets in-flight workflow and activity tasks finish (up to the drain timeout),
   * then releases the connection, clients and metrics endpoint.
   */
  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    serverGauges.close();
    if (factory.isStarted()) {
      String drain = Durations.format(settings.drainTimeout());
      log.info("Shutting down: draining in-flight tasks (up to {})", drain);
      factory.shutdown();
      factory.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!factory.isTerminated()) {
        log.warn("Tasks still running after {}; stopping them (Temporal will retry them elsewhere)",
            drain);
        factory.shutdownNow();
      }
    }
    connection.close();
    try {
      access.clients().close();
    } catch (Exception e) {
      log.warn("Closing AWS clients failed: {}", e.toString());
    }
    try {
      metricsScope.close();
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      log.warn("Closing the metrics scope failed: {}", e.toString());
    }
    if (metrics != null) {
      metrics.stop(0);
    }
    log.info("labflow worker stopped");
    stopped.countDown();
  }
}
