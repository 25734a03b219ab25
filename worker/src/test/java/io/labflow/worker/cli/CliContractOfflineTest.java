package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.labflow.worker.e2e.Labs;
import io.labflow.workflows.model.OnFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The command line's contract without a server: one duration syntax, the exit codes, whole
 * sentences in the help, {@code run --on-failure}, readable outputs and one line per lab.
 */
@Tag("fast")
class CliContractOfflineTest {

  private static int run(StringWriter out, String... args) {
    CommandLine cli = Main.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }

  /** The forms themselves are DurationsTest's; here, that the flags' converter is that parser. */
  @Test
  void theDurationConverterIsTheOneParserWithAUsageMessage() {
    assertThat(Main.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Main.duration("pt30s")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> Main.duration("5x"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'5x' is not a duration: write e.g. 90s, 10m, 2h, 1h30m or PT2H");
  }

  @Test
  void theDurationFlagsOfEveryCommandUseTheOneSyntax() {
    CommandLine cli = Main.newCommandLine();
    cli.parseArgs("teardown", "lab-1", "--wait", "90s");
    assertThat(((TeardownCommand) cli.getSubcommands().get("teardown").getCommand()).wait)
        .isEqualTo(Duration.ofSeconds(90));
    cli = Main.newCommandLine();
    cli.parseArgs("run", "x.yaml", "--lab-id", "lab-1", "--timeout", "10m");
    assertThat(((RunCommand) cli.getSubcommands().get("run").getCommand()).timeout)
        .isEqualTo(Duration.ofMinutes(10));
    cli = Main.newCommandLine();
    cli.parseArgs("resume", "lab-1", "--retry", "--timeout", "PT2H");
    assertThat(((ResumeCommand) cli.getSubcommands().get("resume").getCommand()).timeout)
        .isEqualTo(Duration.ofHours(2));
    cli = Main.newCommandLine();
    cli.parseArgs("worker");
    assertThat(((WorkerCommand) cli.getSubcommands().get("worker").getCommand()).drainTimeout)
        .isEqualTo(Duration.ofSeconds(30));

    StringWriter out = new StringWriter();
    assertThat(run(out, "teardown", "lab-1", "--wait", "soon")).isEqualTo(2);
    assertThat(out.toString()).contains("'soon' is not a duration: write e.g. 90s, 10m, 2h");
  }

  /** PreflightCheckTest shows that the value the doctor is given is the one its check reads. */
  @Test
  void doctorTakesTheSiteParametersOptionOfPlanAndTheWorker() {
    String site = "{\"verifyMethod\":\"probe\"}";
    CommandLine cli = Main.newCommandLine();
    cli.parseArgs("doctor", "--site-parameters", site);
    assertThat(((DoctorCommand) cli.getSubcommands().get("doctor").getCommand())
        .siteParameters.value).isEqualTo(site);
  }

  @Test
  void exitCodesTellNoWorkerFromEndedLabsFromUsage() {
    assertThat(Main.exitCode(new NoWorker("labflow", "nothing sent"))).isEqualTo(4);
    assertThat(Main.exitCode(new ClosedLab("lab x is already torn down", "TORN_DOWN"))).isEqualTo(1);
    assertThat(Main.exitCode(new UsageException("wrong"))).isEqualTo(2);
    assertThat(new NoWorker("labflow", "lab x not started").getMessage()).isEqualTo(
        "no worker polls task queue labflow (none in the last 70 s): start one with ./labflow worker,"
            + " or the local stack with ./scripts/stack up; lab x not started");
  }

  @Test
  void anErrorIsOneSentenceAndLabflowDebugAddsItsStackTrace() {
    CliRun plain = CliRun.run("run", "nowhere.yaml", "--lab-id", "lab-1");
    assertThat(plain.code()).isEqualTo(2);
    assertThat(plain.err()).isEqualTo("labflow: no such file: nowhere.yaml\n");

    // --debug is how LABFLOW_DEBUG reaches the command (picocli's ${env:...} default).
    CliRun debug = CliRun.run("--debug=1", "run", "nowhere.yaml", "--lab-id", "lab-1");
    assertThat(debug.code()).isEqualTo(2);
    assertThat(debug.err()).startsWith("labflow: no such file: nowhere.yaml\n")
        .contains("UsageException: no such file: nowhere.yaml", "\tat io.labflow.worker.cli.");
  }

  /** Before, the sentence named no address, leaving a person to guess which one was tried. */
  @Test
  void aTemporalThatDoesNotAnswerIsNamedByItsAddress() throws Exception {
    String address = TemporalCalls.refusing();
    assertThat(listFailsAt(address, Duration.ofSeconds(2))).matches("labflow: cannot reach Temporal at " + java.util.regex.Pattern.quote(address)
        + " \\((UNAVAILABLE|DEADLINE_EXCEEDED)\\); set TEMPORAL_ADDRESS or start the local stack"
        + " with ./scripts/stack up\n");
  }

  /**
   * Before, the first call was the command's own, which the SDK retries for its call timeout
   * (10 s) in silence; now it is one call with the first answer's deadline.
   */
  @Test
  void theFirstCallToTemporalHasTheFirstAnswersDeadline() throws Exception {
    String address = TemporalCalls.refusing();
    TemporalCalls recorder = new TemporalCalls();
    CommandLine cli = recorder.commandLine(address, null);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("list")).isEqualTo(1);
    assertThat(recorder.calls).containsExactly(
        "temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo within the first answer's"
            + " deadline");
    assertThat(err.toString()).startsWith("labflow: cannot reach Temporal at " + address);
  }

  /**
   * A server that takes the connection but does not answer (a stalled or overloaded Temporal) is
   * said after the first answer's deadline, then waited for up to the calls' timeout: not a
   * silent wait, and not a refusal of a server that is only slow.
   */
  @Test
  void aTemporalSlowToAnswerIsSaidThenWaitedFor() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
      String address = "127.0.0.1:" + silent.getLocalPort();
      assertThat(listFailsAt(address, Duration.ofSeconds(1))).isEqualTo("labflow: Temporal at " + address + " has not answered"
          + " in 3s; waiting up to 1s more\n"
          + "labflow: cannot reach Temporal at " + address + " (DEADLINE_EXCEEDED); set"
          + " TEMPORAL_ADDRESS or start the local stack with ./scripts/stack up\n");
    }
  }

  /** {@code labflow list} against a Temporal at {@code address}: exit 1; what it printed on stderr. */
  private static String listFailsAt(String address, Duration rpcTimeout) {
    CommandLine cli = new TemporalCalls().commandLine(address, rpcTimeout);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("list")).isEqualTo(1);
    return err.toString();
  }

  @Test
  void everyCommandSummaryIsAWholeSentence() {
    CommandLine cli = Main.newCommandLine();
    assertSummaries(cli);
  }

  /**
   * A command's description is written as lines of up to 100 characters; at picocli's default
   * width of 80 each longer line was re-wrapped, leaving one or two words on a line of their own.
   */
  @Test
  void everyHelpShowsItsDescriptionLinesAsWritten() {
    assertLinesAsWritten(Main.newCommandLine());
  }

  private static void assertLinesAsWritten(CommandLine cli) {
    String usage = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    for (String line : cli.getCommandSpec().usageMessage().description()) {
      if (line.length() <= 100) {
        assertThat(usage.lines()).as(cli.getCommandName()).contains(line);
      }
    }
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        assertLinesAsWritten(sub);
      }
    });
  }

  private static void assertSummaries(CommandLine cli) {
    cli.getSubcommands().forEach((name, sub) -> {
      String[] description = sub.getCommandSpec().usageMessage().description();
      if (!name.equals("help")) {
        assertThat(description).as(name).isNotEmpty();
        assertThat(description[0]).as(name + "'s summary").endsWith(".");
      }
      assertSummaries(sub);
    });
  }

  @Test
  void runOnFailurePauseGoesIntoTheRequest() {
    CommandLine cli = Main.newCommandLine();
    cli.parseArgs("--definitions", Labs.definitionsDir().toString(),
        "run", Labs.file("iam-mini").toString(), "--lab-id", "lab-1", "--on-failure", "pause");
    RunCommand run = (RunCommand) cli.getSubcommands().get("run").getCommand();
    assertThat(run.prepare().request().onFailure()).isEqualTo(OnFailure.PAUSE);

    StringWriter out = new StringWriter();
    assertThat(run(out, "run", Labs.file("iam-mini").toString(), "--lab-id", "lab-1",
        "--on-failure", "later")).isEqualTo(2);
    assertThat(out.toString()).contains("--on-failure", "rollback", "pause");
  }

  @Test
  void progressPrintsOutputsAsKeyValue() {
    assertThat(io.labflow.worker.client.StatusPrinter.outputs(
        new java.util.LinkedHashMap<>(Map.of("roleArn", "arn:aws:iam::1:role/r"))))
        .isEqualTo("roleArn=arn:aws:iam::1:role/r");
    java.util.Map<String, Object> two = new java.util.LinkedHashMap<>();
    two.put("adopted", true);
    two.put("tags", Map.of("labflow:lab", "lab-1"));
    assertThat(io.labflow.worker.client.StatusPrinter.outputs(two))
        .isEqualTo("adopted=true tags={\"labflow:lab\":\"lab-1\"}");
  }

  @Test
  void fleetDeleteSaysOneLinePerLab() {
    assertThat(FleetDeleteCommand.oneLine(0, "Tearing lab a down...\n  DONE x\nLab a state=TORN_DOWN\n"
        + "Web UI: http://x\n")).isEqualTo("torn down");
    assertThat(FleetDeleteCommand.oneLine(0,
        "lab b already ended: it was rolled back (run 1); nothing left to tear down\n"))
        .isEqualTo("lab b already ended: it was rolled back (run 1); nothing left to tear down");
    assertThat(FleetDeleteCommand.oneLine(4, "labflow: no worker polls task queue q ...; teardown"
        + " of lab c recorded; will run when a worker polls\n"))
        .isEqualTo("no worker polls task queue q ...; teardown of lab c recorded; will run when a"
            + " worker polls");
    // With --debug the failure's stack trace follows its sentence.
    assertThat(FleetDeleteCommand.oneLine(1, "Tearing lab d down...\nlabflow: lab d failed\n"
        + "java.lang.IllegalStateException: lab d failed\n\tat io.labflow.X.call(X.java:1)\n"))
        .isEqualTo("lab d failed");
  }

  /** Before, doctor's stderr carried the INFO lines of what it ran (`preflight passed`). */
  @Test
  void aCommandLogsWarningsButNotInfoLines() {
    // As the jar's logback.xml sets them (the test classpath's logback-test.xml sets others).
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger labflow = (Logger) LoggerFactory.getLogger("io.labflow");
    Level rootLevel = root.getLevel();
    Level labflowLevel = labflow.getLevel();
    root.setLevel(Level.INFO);
    labflow.setLevel(null);
    try {
      CommandLine cli = Main.newCommandLine();
      Probe probe = new Probe();
      cli.addSubcommand(probe);

      assertThat(cli.execute("probe")).isZero();
      assertThat(probe.enabled).containsExactly(false, true);
      assertThat(LoggerFactory.getLogger(Probe.LOGGER).isInfoEnabled())
          .as("the level the command found, after it").isTrue();
    } finally {
      root.setLevel(rootLevel);
      labflow.setLevel(labflowLevel);
    }
  }

  /** What a command's own logger lets through while the command runs: INFO, WARN. */
  @CommandLine.Command(name = "probe")
  static final class Probe implements Callable<Integer> {
    static final String LOGGER = "io.labflow.worker.doctor.Doctor";
    final boolean[] enabled = new boolean[2];

    @Override
    public Integer call() {
      org.slf4j.Logger log = LoggerFactory.getLogger(LOGGER);
      enabled[0] = log.isInfoEnabled();
      enabled[1] = log.isWarnEnabled();
      return 0;
    }
  }
}
