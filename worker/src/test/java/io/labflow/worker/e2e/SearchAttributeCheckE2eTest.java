package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.TemporalDevServer;
import io.labflow.activities.testing.Tools;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker whose namespace lacks the lab search attributes refuses to start, naming the namespace,
 * the missing attributes and the command that adds them; after that command it starts.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SearchAttributeCheckE2eTest {

  private static final Path LOGS = Tools.repoRoot().resolve("worker/target/e2e-logs/search-attributes");

  @Test
  void workerRefusesANamespaceWithoutTheSearchAttributesThenStartsOnceTheyAreAdded() throws Exception {
    try (TemporalDevServer bare = TemporalDevServer.start(LOGS, List.of());
        Socket nowhere = Tools.refusedPort()) {
      Map<String, String> env = Map.of(
          "TEMPORAL_ADDRESS", bare.address(), "TEMPORAL_NAMESPACE", "default",
          "LABFLOW_TASK_QUEUE", "e2e-search-attributes",
          // Refused there; the worker only builds its AWS clients before the check.
          "AWS_ENDPOINT_URL", "http://127.0.0.1:" + nowhere.getLocalPort(),
          "AWS_REGION", "us-east-1",
          "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
          "LABFLOW_DEFINITIONS_DIR", Labs.definitionsDir().toString());
      String expected = "labflow: Temporal namespace 'default' at " + bare.address()
          + " lacks labflow's Keyword search attributes LabId, LabDefinition, LabVariant, LabState,"
          + " so every lab there would fail its first workflow task; add them with: temporal operator"
          + " search-attribute create --address " + bare.address() + " --namespace default"
          + " --name LabId --type Keyword --name LabDefinition --type Keyword"
          + " --name LabVariant --type Keyword --name LabState --type Keyword";

      long t0 = System.nanoTime();
      ManagedProcess refused = ManagedProcess.start("sa-refused",
          Jvm.command("worker", "--metrics-port", "-1"), env, LOGS);
      try {
        assertThat(refused.process().waitFor(60, TimeUnit.SECONDS)).as(refused.tail()).isTrue();
        System.out.printf("worker without search attributes exited %d after %.1f s%n",
            refused.process().exitValue(), (System.nanoTime() - t0) / 1e9);
        assertThat(refused.process().exitValue()).isEqualTo(1);
        String log = Files.readString(refused.log());
        assertThat(log.lines()).contains(expected);
        assertThat(log).doesNotContain("polling").doesNotContain("\tat ");
      } finally {
        refused.close();
      }

      // The sentence's command, run as printed, is what the namespace needed.
      List<String> command = new ArrayList<>(Arrays.asList(
          expected.substring(expected.indexOf("add them with: ") + "add them with: ".length()).split(" ")));
      command.set(0, Tools.tool("temporal").toString());
      Cli.Result added = Cli.exec(command, Map.of());
      assertThat(added.exitCode()).as(added.all()).isZero();
      // The dev server adds them to its namespace cache a few seconds after answering.
      List<String> list = List.of(Tools.tool("temporal").toString(), "operator", "search-attribute",
          "list", "--address", bare.address(), "--namespace", "default");
      bare.process().awaitReady("search attributes listed", Duration.ofSeconds(60),
          () -> {
            String listed = Cli.exec(list, Map.of()).out();
            return LocalStack.SEARCH_ATTRIBUTES.stream().allMatch(listed::contains);
          });

      try (ManagedProcess started = ManagedProcess.start("sa-started",
          Jvm.command("worker", "--metrics-port", "-1"), env, LOGS)) {
        started.awaitLog("polling task queue 'e2e-search-attributes'", Duration.ofSeconds(60));
        assertThat(started.alive()).isTrue();
      }
    }
  }
}
