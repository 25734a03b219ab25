package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.model.Role;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Two workers serve a fleet night; one is killed with SIGKILL halfway: the night still completes, once. */
@ExtendWith(LocalStack.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class FleetCrashE2eTest {

  private static final String QUEUE = "e2e-fleet-crash";

  @TempDir Path dir;

  @Test
  void aNightSurvivesTheLossOfOneOfTwoWorkersWithoutDuplicates(LocalStack.Stack stack) throws Exception {
    // Both JVMs start at once; the night is triggered once both poll.
    ManagedProcess first = stack.startWorker("fleet-crash-a", QUEUE);
    ManagedProcess second = stack.startWorker("fleet-crash-b", QUEUE);
    first.awaitLog("polling", Duration.ofSeconds(60));
    second.awaitLog("polling", Duration.ofSeconds(60));
    try (Iam iam = new Iam(stack.motoEndpoint())) {
      Map<String, String> env = stack.env(QUEUE);
      Path file = dir.resolve("crash.yaml");
      Files.writeString(file, "name: e2e-crash\ndefinition: iam-mini\nlabs: {prefix: fc-, count: 6}\n"
          + "schedule: {cron: \"0 3 * * *\"}\nconcurrency: 3\n");
      FleetE2eTest.stackFor(stack);
      assertThat(Cli.run(env, "fleet", "apply", file.toString()).exitCode()).isZero();
      assertThat(Cli.run(env, "fleet", "reset", "e2e-crash").exitCode()).isZero();
      // Kill one worker once resets are under way.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String running = "WorkflowType='" + LabResetWorkflow.TYPE + "' AND WorkflowId STARTS_WITH 'reset-fc-'";
      while (stack.client().listExecutions(running).count() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(stack.client().listExecutions(running).count()).isGreaterThanOrEqualTo(2);
      first.kill9();

      FleetReport report = FleetE2eTest.night(env, "e2e-crash", 1, second, false);
      assertThat(report.labs()).hasSize(6);
      assertThat(report.labs()).extracting(LabReport::outcome).as(second.tail()).containsOnly(LabReport.Outcome.OK);
      for (String lab : FleetE2eTest.ids("fc-", 6)) {
        assertThat(stack.client().newWorkflowStub(LabWorkflow.class, lab).status().state()).isEqualTo(LabState.LIVE);
        assertThat(iam.roles(lab)).extracting(Role::roleName).containsExactly(lab + "-role");
        assertThat(iam.policies(lab)).hasSize(1);
        assertThat(stack.client().listExecutions("WorkflowId='reset-" + lab + "'").count()).as("resets of " + lab).isEqualTo(1);
        assertThat(stack.client().listExecutions("WorkflowType='" + LabWorkflow.TYPE + "' AND WorkflowId='" + lab + "'")
            .count()).as("runs of " + lab).isEqualTo(1);
      }
      Cli.Result deleted = Cli.run(env, "fleet", "delete", "e2e-crash", "--teardown-labs");
      assertThat(deleted.exitCode()).as(deleted.all()).isZero();
    } finally {
      first.close();
      second.close();
    }
  }
}
