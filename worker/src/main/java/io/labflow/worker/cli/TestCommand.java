package io.labflow.worker.cli;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.inventory.LabLeftovers;
import io.labflow.worker.client.TemporalConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Tests a definition with learner tasks on the configured stack (see {@link LabTester}). */
@Command(name = "test", description = {
    "Tests a definition's learner tasks on the configured stack, then tears the lab down.",
    "Starts a lab as `run` does and waits until it is LIVE; then for each task in order, its",
    "check must not pass, then its solve must make it pass. Then it always tears the lab down",
    "and counts what is left of it (by its tag and by its names, with this shell's AWS",
    "configuration), which must be nothing.",
    "One line per task, then a summary. Exit code: 0 no deviation, 1 any deviation, 2 usage,",
    "4 no worker polls the task queue (nothing started)."})
final class TestCommand extends BaseCommand {

  @Parameters(paramLabel = "DEFINITION", description = "A step file, or a definition name.")
  String file;

  @Option(names = "--lab-id",
      description = "The lab id (workflow id); default test-<6 random letters and digits>.")
  String labId;

  @Option(names = "--variant", description = "Variant (default: the definition's).")
  String variant;

  @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Run parameter.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--live-within", defaultValue = "30m",
      description = "How long the lab may take to be LIVE (default ${DEFAULT-VALUE}).")
  Duration liveWithin;

  @Option(names = "--down-within", defaultValue = "30m",
      description = "How long its teardown may take (default ${DEFAULT-VALUE}).")
  Duration downWithin;

  /** What is left of a lab (tests count their own). */
  Function<String, List<String>> leftovers = TestCommand::leftOnAws;

  /** How often the lab is looked at while waiting. */
  Duration poll = Duration.ofMillis(500);

  @Override
  public Integer call() throws InterruptedException {
    String id = labId != null ? labId : "test-" + randomSuffix();
    RunCommand.Start start =
        RunCommand.prepare(root(), file, id, variant, params, null, err(), "with labflow test");
    String queue = root().taskQueue();
    try (TemporalConnection conn = connect()) {
      String runId = RunCommand.start(root(), conn, start);
      out().printf("Testing definition %s as lab %s (run %s) on task queue %s%n",
          start.starter().definition(), id, runId, queue);
      printWebUi(conn, id);
      return new LabTester(conn, out(), liveWithin, downWithin, leftovers, poll)
          .test(start.starter().definition(), id, runId, queue);
    }
  }

  private static List<String> leftOnAws(String labId) {
    try (AwsClients aws = AwsClients.fromEnvironment()) {
      return LabLeftovers.of(aws, labId);
    }
  }

  private static String randomSuffix() {
    String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append(letters.charAt(random.nextInt(letters.length())));
    }
    return s.toString();
  }
}
