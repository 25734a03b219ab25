package io.labflow.worker.cli;

import io.labflow.worker.runtime.LabWorker;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the worker process until SIGTERM/SIGINT. */
@Command(name = "worker",
    description = {
      "Runs a worker: the lab interpreter, the resets and every AWS activity, on the task queue.",
      "It hosts the LabWorkflow interpreter, the LabResetWorkflow, the definition resolver and every",
      "AWS activity. Stops gracefully on SIGTERM/SIGINT, letting in-flight tasks finish. Serves",
      "Prometheus metrics on --metrics-port at /metrics."
    })
final class WorkerCommand extends BaseCommand {

  @Option(names = "--metrics-port",
      defaultValue = "${env:LABFLOW_METRICS_PORT:-9464}",
      description = "Prometheus port (env LABFLOW_METRICS_PORT, default ${DEFAULT-VALUE}; -1 disables).")
  int metricsPort;

  @Option(names = "--drain-timeout", defaultValue = "30s",
      description = "How long a shutdown waits for in-flight tasks (default ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--max-concurrent-aws-calls", paramLabel = "N",
      defaultValue = "${env:LABFLOW_MAX_CONCURRENT_AWS_CALLS:-16}",
      description = "At most N AWS calls at once, served by task priority (env"
          + " LABFLOW_MAX_CONCURRENT_AWS_CALLS, default ${DEFAULT-VALUE}).")
  int maxAwsCalls;

  @Mixin SiteParametersOption siteParameters;

  @Override
  public Integer call() throws Exception {
    if (maxAwsCalls < 1) {
      throw new UsageException("--max-concurrent-aws-calls (env LABFLOW_MAX_CONCURRENT_AWS_CALLS)"
          + " must be at least 1, got " + maxAwsCalls);
    }
    LabWorker worker = new LabWorker(new LabWorker.Settings(root().taskQueue,
        root().definitions, metricsPort, drainTimeout, maxAwsCalls,
        siteParameters.parse()), List.of());
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "labflow-shutdown"));
    worker.start();
    worker.awaitStopped();
    return 0;
  }
}
