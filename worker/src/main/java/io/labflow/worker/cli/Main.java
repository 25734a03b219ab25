package io.labflow.worker.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.grpc.StatusRuntimeException;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** Entry point of the {@code labflow} command: the only place that exits the JVM. */
public final class Main {

  /** Update rejections the lab gives when a request does not apply to it as it is. */
  private static final Set<String> REJECTIONS = Set.of(FailureTypes.NOT_LIVE,
      FailureTypes.NOT_PAUSED, FailureTypes.INVALID_ARGUMENT, FailureTypes.INVALID_REQUEST,
      FailureTypes.NO_OPEN_TASK);

  private Main() {}

  public static void main(String[] args) {
    CommandLine cli = newCommandLine();
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    System.exit(code);
  }

  /** The configured picocli command line, for callers that redirect its output. */
  public static CommandLine newCommandLine() {
    return newCommandLine(new LabflowCommand(), CommandLine.defaultFactory());
  }

  /** The same over this root command and factory (tests give theirs). */
  static CommandLine newCommandLine(LabflowCommand root, CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(root, factory);
    cli.setExecutionStrategy(parsed -> {
      List<CommandLine> commands = parsed.asCommandLineList();
      // The log is the worker's (logback.xml); a command speaks in sentences, its log shows only
      // warnings and errors unless LABFLOW_LOG_LEVEL asks for more.
      Logger log = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
      Level level = log.getLevel();
      if (System.getenv("LABFLOW_LOG_LEVEL") == null
          && !(commands.get(commands.size() - 1).getCommand() instanceof WorkerCommand)) {
        log.setLevel(Level.WARN);
      }
      try {
        return new CommandLine.RunLast().execute(parsed);
      } finally {
        log.setLevel(level);
        // A command that runs another (fleet delete's teardowns) keeps the connection for itself.
        if (parsed.commandSpec().parent() == null && root.connection != null) {
          root.connection.close();
        }
      }
    });
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // The descriptions are written in lines of up to 100 characters (picocli re-wraps wider ones).
    cli.setUsageHelpWidth(100);
    cli.registerConverter(Duration.class, Main::duration);
    return cli;
  }

  /** The one duration syntax of every flag: the step files' with days and ISO-8601 besides. */
  static Duration duration(String value) {
    return Durations.parseFlag(value).orElseThrow(() -> new TypeConversionException(
        "'" + value + "' is not a duration: write e.g. 90s, 10m, 2h, 1h30m or PT2H"));
  }

  /** Turns an exception into one readable line: people get messages, not stack traces. */
  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    if (e instanceof BaseCommand.Stopped) {
      return 1;
    }
    LabflowCommand root = (LabflowCommand) cli.getCommandSpec().root().userObject();
    cli.getErr().println("labflow: " + describe(e, root.connection == null ? null
        : root.connection.service().getOptions().getTarget()));
    if (root.debug != null) {
      e.printStackTrace(cli.getErr());
    }
    return exitCode(e);
  }

  /**
   * The exit code of a command that threw: 4 no worker polls, 2 a usage error or a request the
   * lab refused, 1 anything else (a failure, a lab that has ended, no such lab).
   */
  static int exitCode(Exception e) {
    if (e instanceof NoWorker) {
      return NoWorker.EXIT_CODE;
    }
    boolean refused = Stream.iterate((Throwable) e, Objects::nonNull, Throwable::getCause)
        .anyMatch(t -> t instanceof ApplicationFailure af && REJECTIONS.contains(af.getType()));
    return e instanceof UsageException || refused ? 2 : 1;
  }

  static String describe(Throwable e) {
    return describe(e, null);
  }

  /** The sentence for {@code e}; {@code temporal}, the address asked, names one not reached. */
  static String describe(Throwable e, String temporal) {
    Throwable root = e;
    while (root.getCause() != null && !(root instanceof StatusRuntimeException)) {
      root = root.getCause();
    }
    if (e instanceof InterruptedException) {
      return "interrupted before the command finished; what it sent may still be under way"
          + " (labflow list)";
    }
    if (e instanceof WorkflowNotFoundException || root instanceof WorkflowNotFoundException) {
      return "no such lab run: " + e.getMessage();
    }
    if (root instanceof StatusRuntimeException s) {
      return switch (s.getStatus().getCode()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED -> "cannot reach Temporal"
            + (temporal == null ? "" : " at " + temporal) + " (" + s.getStatus().getCode()
            + "); set TEMPORAL_ADDRESS or start the local stack with ./scripts/stack up";
        case NOT_FOUND -> "not found: " + s.getStatus().getDescription();
        default -> s.getStatus().getCode() + ": " + s.getStatus().getDescription();
      };
    }
    if (e instanceof WorkflowServiceException && e.getCause() != null) {
      return describe(e.getCause(), temporal);
    }
    if (root instanceof TemporalFailure tf && tf.getOriginalMessage() != null) {
      // The sentence itself, not "message='...', type='...', nonRetryable=...".
      return tf.getOriginalMessage();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
