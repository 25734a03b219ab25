package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code labflow test} on a lab without tasks exits 1; on the shipped challenge lab it exits 0; on a copy whose {@code attach-policy}
 * solve attaches nothing it exits 1, and in both cases the lab is torn down and nothing of it is
 * left in moto by the complete inventory ({@code scripts/lib/moto_inventory.py}).
 */
@ExtendWith(LocalStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@Tag("e2e")
class LabflowTestE2eTest {

  @TempDir static Path dir;
  private static ChallengeStack stack;

  @BeforeAll
  static void start(LocalStack.Stack s) throws Exception {
    stack = new ChallengeStack(s, "labflow-test", "e2e-labflow-test");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static Cli.Result test(Path definition, String labId) {
    List<String> args = new ArrayList<>(List.of("test", definition.toString(), "--lab-id", labId));
    args.addAll(stack.params());
    return stack.labflow(args.toArray(String[]::new));
  }

  @Test
  @Order(0)
  void aDefinitionWithoutTasksIsADeviationAndTheLabIsStillTornDownLeavingNothing()
      throws Exception {
    Cli.Result r = stack.labflow("test", Labs.file("iam-mini").toString(), "--lab-id", "lt-none");

    assertThat(r.exitCode()).as(r.all() + stack.worker.tail()).isEqualTo(1);
    assertThat(r.out()).as(r.all()).contains(
        "Waiting up to 30m for lab lt-none to be LIVE (its provisioning steps)...",
        "Tearing lab lt-none down; waiting up to 30m for its run to end TORN_DOWN...",
        "Lab lt-none is TORN_DOWN.",
        "Counting what is left of lab lt-none (by its tag and by its names)...",
        "Left of lab lt-none: 0 resources",
        "labflow test iam-mini (lab lt-none): 0 tasks, 0 pass only after their solve, 1 deviation:"
            + " FAILED",
        "  deviation: lab lt-none has no learner tasks to test");
    assertThat(stack.moto.completeInventory()).as(r.all()).isEmpty();
  }

  @Test
  @Order(1)
  void theChallengeLabPassesItsTestAndLeavesNothing() throws Exception {
    Cli.Result r = test(ChallengeStack.DEFINITION, "lt-ok");

    assertThat(r.exitCode()).as(r.all() + stack.worker.tail()).isZero();
    for (String task : ChallengeStack.TASKS) {
      assertThat(r.out()).as(r.all()).containsPattern("(?m)^task " + task + " +ok: ");
    }
    assertThat(r.out()).as(r.all()).contains("Lab lt-ok is TORN_DOWN.", "Left of lab lt-ok: 0 resources",
        ": 5 tasks, 5 pass only after their solve, 0 deviations: PASSED");
    assertThat(stack.moto.completeInventory()).as(r.all()).isEmpty();
    // CI tests every shipped definition with learner tasks: today, only the challenge has them.
    try (var files = Files.list(ChallengeStack.DEFINITION.getParent())) {
      assertThat(files.filter(f -> f.toString().endsWith(".yaml")).filter(f -> {
        try {
          return Files.readString(f).contains("\ntasks:");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).map(f -> f.getFileName().toString()))
          .containsExactly(ChallengeStack.DEFINITION.getFileName().toString());
    }
  }

  @Test
  @Order(2)
  void aCopyWhoseAttachSolveAttachesNothingFailsIsTornDownAndLeavesNothing() throws Exception {
    Path broken = Files.writeString(dir.resolve("iam-service-role-challenge.yaml"),
        attachingNothing(Files.readString(ChallengeStack.DEFINITION)));

    Cli.Result r = test(broken, "lt-broken");

    assertThat(r.exitCode()).as(r.all() + stack.worker.tail()).isEqualTo(1);
    assertThat(r.out()).as(r.all())
        .containsPattern("(?m)^task create-role +ok: ")
        .containsPattern("(?m)^task attach-policy +DEVIATION: task attach-policy does not pass after"
            + " its solve: ")
        .containsPattern("(?m)^task instance-profile +not tested: task attach-policy was not done")
        .contains("Lab lt-broken is TORN_DOWN.", "Left of lab lt-broken: 0 resources",
            "1 deviation: FAILED");
    assertThat(stack.moto.completeInventory()).as(r.all()).isEmpty();
  }

  /**
   * The definition with the {@code attach-policy} task's solve replaced by one step that only runs
   * the task's own first check: it succeeds and attaches nothing.
   */
  @SuppressWarnings("unchecked")
  static String attachingNothing(String yaml) {
    Map<String, Object> doc = new Yaml().load(yaml);
    Map<String, Object> task = ((List<Map<String, Object>>) doc.get("tasks")).stream()
        .filter(t -> "attach-policy".equals(t.get("id"))).findFirst().orElseThrow();
    Map<String, Object> check = ((List<Map<String, Object>>) task.get("checks")).get(0);
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("id", "solve-attach-nothing");
    step.put("action", check.get("action"));
    step.put("with", check.get("with"));
    task.put("solve", List.of(step));
    DumperOptions block = new DumperOptions();
    block.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(block).dump(doc);
  }
}
