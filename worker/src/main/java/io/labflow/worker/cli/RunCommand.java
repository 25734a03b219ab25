package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.LabStarter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Validates a definition locally, starts a lab and follows it step by step.",
      "The LabWorkflow (workflow id = lab id) gets the file inline; following ends when the lab",
      "ends, goes live or pauses. Exit code: 0 completed or live, 1 failed or rolled back,",
      "2 usage, 3 paused, 4 no worker polls the task queue (nothing started)."
    })
final class RunCommand extends BaseCommand {

  @Parameters(paramLabel = "FILE|NAME", description = "A step file, or a definition name.")
  String file;

  @Option(names = "--lab-id", required = true, description = "The lab id (workflow id).")
  String labId;

  @Mixin StartOptions options;

  @Option(names = "--detach", description = "Start and return at once.")
  boolean detach;

  @Option(names = "--timeout", defaultValue = "2h",
      description = "How long to follow before giving up (e.g. 90s, 10m, 2h; default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--on-failure", paramLabel = "rollback|pause",
      description = "What a failing step does: roll the lab back, or pause it for `labflow resume`"
          + " (default: the definition's).")
  OnFailure onFailure;

  /** The options of a lab's start that {@code run} and {@code test} share. */
  static final class StartOptions {
    @Option(names = "--variant", description = "Variant (default: the definition's).")
    String variant;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Run parameter.")
    Map<String, String> params = new LinkedHashMap<>();
  }

  record Start(LabRequest request, LabStarter starter) {}

  /**
   * The start this command asks for, checked and bound with the worker's binder; contacts nothing.
   *
   * @throws UsageException when the run would be refused before creating anything
   */
  Start prepare() {
    return prepare(root(), file, labId, options, onFailure, err(), "with labflow run");
  }

  /** The start of a lab from {@code file}, as {@link #prepare()}; {@code startedBy} is for the summary. */
  static Start prepare(LabflowCommand root, String file, String labId, StartOptions given,
      OnFailure onFailure, PrintWriter err, String startedBy) {
    DefinitionFiles.Source source = DefinitionFiles.valid(file, root.definitions, err);
    Definition definition = source.definition();
    ParameterBinder.BindResult bound =
        DefinitionFiles.bind(definition, labId, given.variant, given.params);
    List<String> problems = new ArrayList<>(DefinitionFiles.refused(definition, bound, labId));
    // What the worker's preflight would refuse that needs neither AWS nor its templates.
    problems.addAll(AwsLabPreflight.s3ActionProblems(
        LabNeeds.knownBeforeRun(definition, source.path().toString(), bound)));
    if (!problems.isEmpty()) {
      throw new UsageException(String.join("\n", problems));
    }
    // The -p strings go unchanged: the worker binds them with the same binder, between its site
    // parameters and the definition's defaults, as it binds a Web UI's or a Schedule's.
    // The file's text alone: a request names a definition or sends one, never both.
    LabRequest request =
        new LabRequest(null, given.variant, labId, new LinkedHashMap<>(given.params), source.text(),
            onFailure);
    return new Start(request, new LabStarter(
        labId, definition.name(), bound.variant(), root.taskQueue, startedBy, null, null));
  }

  /**
   * Starts the lab's run once a worker polls its task queue and returns its run id; a lab already
   * running is a usage error.
   */
  static String start(LabflowCommand root, Start start) {
    TemporalConnection conn = root.connect();
    String labId = start.starter().labId();
    if (!root.polled.test(conn, root.taskQueue)) {
      throw new NoWorker(root.taskQueue, "lab " + labId + " not started");
    }
    LabWorkflow stub =
        conn.client().newWorkflowStub(LabWorkflow.class, start.starter().options());
    try {
      return WorkflowClient.start(stub::run, RawJson.of(start.request())).getRunId();
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new UsageException("lab " + labId + " is already running; see `labflow status "
          + labId + "`, or `labflow teardown " + labId + "` first");
    }
  }

  /** How long a stop waits in silence for a start under way before it says so. */
  static final Duration QUIET = Duration.ofSeconds(1);

  /** A lab's start with its stop hook, from {@link #start(BaseCommand, Start, Runnable)}. */
  record Started(Hook hook, String runId) implements Hook {
    @Override
    public void close() throws InterruptedException {
      hook.close();
    }
  }

  /**
   * Starts the lab under a stop hook in place before the start, so that no signal comes between
   * the two: a stop before the start starts nothing and says nothing of a lab; one during it waits
   * for it (saying so past {@link #QUIET}); once the lab is started, {@code stopped} says what
   * becomes of it. Closing the result removes the hook.
   */
  static Started start(BaseCommand command, Start start, Runnable stopped)
      throws InterruptedException {
    // Whichever comes first, the stop or the start's sending, decides if the lab is started.
    CompletableFuture<Boolean> sent = new CompletableFuture<>();
    CompletableFuture<String> runId = new CompletableFuture<>();
    Hook hook = command.onStop(() -> {
      if (!sent.complete(false) && started(runId, start.starter().labId(), command.out())) {
        stopped.run();
      }
    });
    try {
      if (!sent.complete(true)) {
        throw new Stopped();
      }
      runId.complete(start(command.root(), start));
      return new Started(hook, runId.join());
    } catch (RuntimeException | InterruptedException e) {
      runId.complete(null);
      try {
        hook.close();
      } catch (Stopped shuttingDown) {
        e.addSuppressed(shuttingDown); // what ended the start is e, which Main says
      }
      throw e;
    }
  }

  /** Whether the start under way started the lab, waited for; a wait past QUIET is said. */
  private static boolean started(CompletableFuture<String> runId, String labId, PrintWriter out) {
    try {
      return runId.get(QUIET.toMillis(), TimeUnit.MILLISECONDS) != null;
    } catch (TimeoutException e) {
      out.printf("%nStopping; waiting for Temporal to answer the start of lab %s...%n", labId)
          .flush();
      return runId.join() != null;
    } catch (InterruptedException | ExecutionException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Start start = prepare();
    LabFollower.Outcome outcome;
    // Ctrl-C ends the command, not the lab: said from before the start, so no signal comes between.
    try (Started started = start(this, start, () -> goesOn(labId))) {
      String runId = started.runId();
      String variant = start.starter().variant();
      out().printf("Started lab %s (definition %s, %srun %s) on task queue %s%n", labId,
          start.starter().definition(), variant == null ? "" : "variant " + variant + ", ", runId,
          root().taskQueue);
      printWebUi(labId);
      if (detach) {
        return 0;
      }
      outcome = new LabFollower(connect(), out(), poll)
          .follow(labId, runId, null, timeout, LabFollower.LIVE_OR_PAUSED);
    }
    return summarize(printed(outcome), labId);
  }
}
