package io.labflow.worker.cli;

import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import java.nio.file.Path;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code labflow} command; every subcommand inherits its options. */
@Command(
    name = "labflow",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    version = "labflow 0.1.0",
    description = "Runs declarative YAML lab definitions durably on Temporal.",
    footer = {
      "",
      "Temporal: standard client configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,",
      "  TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE).",
      "AWS: standard configuration (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...)."
    },
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      GraphCommand.class,
      RunCommand.class,
      StatusCommand.class,
      ResumeCommand.class,
      SwitchVariantCommand.class,
      TeardownCommand.class,
      CredentialsCommand.class,
      ListCommand.class,
      LeaksCommand.class,
      FleetCommand.class,
      WorkerCommand.class,
      WorkerPolicyCommand.class,
      DoctorCommand.class,
      LearnerCommands.Check.class,
      LearnerCommands.Solve.class,
      LearnerCommands.Skip.class,
      LearnerCommands.Extend.class,
      TestCommand.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class LabflowCommand extends BaseCommand {

  @Option(
      names = "--task-queue",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:LABFLOW_TASK_QUEUE:-labflow}",
      description = "Temporal task queue (env LABFLOW_TASK_QUEUE, default: ${DEFAULT-VALUE}).")
  String taskQueue;

  @Option(
      names = "--definitions",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:LABFLOW_DEFINITIONS_DIR:-./definitions}",
      description = "Directory of definitions (env LABFLOW_DEFINITIONS_DIR, default: ${DEFAULT-VALUE}).")
  Path definitions;

  /** Set, by LABFLOW_DEBUG, when an error's stack trace is to follow its sentence. */
  @Option(names = "--debug", hidden = true, defaultValue = "${env:LABFLOW_DEBUG}")
  String debug;

  /** The Web UI's address (LABFLOW_UI_URL, as scripts/stack env sets it); null: Temporal's. */
  @Option(names = "--ui-url", hidden = true, defaultValue = "${env:LABFLOW_UI_URL}")
  String uiUrl;

  /** How the commands reach Temporal (tests give a connection to their own server). */
  Supplier<TemporalConnection> connector = TemporalConnection::open;

  /** The connection of this command line's run, once a command asked for one. */
  TemporalConnection connection;

  /**
   * Whether a worker polls a task queue (tests on the time-skipping server, which cannot tell,
   * give their own answer).
   */
  BiPredicate<TemporalConnection, String> polled = Pollers::polled;

  /** Adds and removes shutdown hooks (tests give a JVM that is shutting down). */
  Consumer<Thread> hook = Runtime.getRuntime()::addShutdownHook;
  Consumer<Thread> unhook = Runtime.getRuntime()::removeShutdownHook;
}
