package io.labflow.worker.cli;

import io.grpc.StatusRuntimeException;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** Entry point of the {@code labflow} command: the only place that exits the JVM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one command line and returns its exit code; used by tests in-process. */
  public static int execute(String... args) {
    CommandLine cli = newCommandLine();
    try {
      return cli.execute(args);
    } finally {
      cli.getOut().flush();
      cli.getErr().flush();
    }
  }

  /** The configured picocli command line, for callers that redirect its output. */
  public static CommandLine newCommandLine() {
    return newCommandLine(new LabflowCommand(), CommandLine.defaultFactory());
  }

  /** The same over this root command and factory (tests give theirs). */
  static CommandLine newCommandLine(LabflowCommand root, CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(root, factory);
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
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
    PrintWriter err = cli.getErr();
    err.println("labflow: " + describe(e));
    err.flush();
    if (System.getenv("LABFLOW_DEBUG") != null) {
      e.printStackTrace(err);
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
    return e instanceof UsageException || isRejection(e) ? 2 : 1;
  }

  /** Update rejections the lab gives when a request does not apply to it as it is. */
  private static final java.util.Set<String> REJECTIONS =
      java.util.Set.of(
          FailureTypes.NOT_LIVE,
          FailureTypes.NOT_PAUSED,
          FailureTypes.INVALID_ARGUMENT,
          FailureTypes.INVALID_REQUEST,
          FailureTypes.NO_OPEN_TASK);

  static boolean isRejection(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof io.temporal.failure.ApplicationFailure af && REJECTIONS.contains(af.getType())) {
        return true;
      }
    }
    return false;
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof StatusRuntimeException) {
        break;
      }
      root = root.getCause();
    }
    if (e instanceof WorkflowNotFoundException || root instanceof WorkflowNotFoundException) {
      return "no such lab run: " + e.getMessage();
    }
    if (root instanceof StatusRuntimeException s) {
      return switch (s.getStatus().getCode()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED ->
            "cannot reach Temporal ("
                + s.getStatus().getCode()
                + "); set TEMPORAL_ADDRESS or start the local stack with ./scripts/stack up";
        case NOT_FOUND -> "not found: " + s.getStatus().getDescription();
        default -> s.getStatus().getCode() + ": " + s.getStatus().getDescription();
      };
    }
    if (e instanceof WorkflowServiceException && e.getCause() != null) {
      return describe(e.getCause());
    }
    if (root instanceof io.temporal.failure.TemporalFailure tf && tf.getOriginalMessage() != null) {
      // The sentence itself, not "message='...', type='...', nonRetryable=...".
      return tf.getOriginalMessage();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
