package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A negative wait budget of VerifyAccess or CheckAccess is refused by validate and plan with one
 * sentence naming the field, before anything runs: one limit on both fields.
 */
@Tag("fast")
class BudgetLimitOfflineTest {

  private static final Path DEFINITIONS = Tools.repoRoot().resolve("definitions");
  private static final String REFUSED = "field 'budgetSeconds': budget in seconds must be 0 to"
      + " 3600, not -1";

  @Test
  void validateRefusesANegativeLiteralBudgetOfVerifyAccessAndCheckAccess(@TempDir Path dir)
      throws IOException {
    Path lab = dir.resolve("lab.yaml");
    Files.writeString(lab, Files.readString(DEFINITIONS.resolve("iam-service-role-lab.yaml"))
        .replace("budgetSeconds: ${params.verifyBudgetSeconds}", "budgetSeconds: -1"));
    CliRun verify = run("validate", lab.toString());
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.out()).contains("with.budgetSeconds: " + REFUSED + " (action 'VerifyAccess')");

    Path challenge = dir.resolve("challenge.yaml");
    Files.writeString(challenge,
        Files.readString(DEFINITIONS.resolve("iam-service-role-challenge.yaml"))
            .replace("budgetSeconds: ${params.checkBudgetSeconds}", "budgetSeconds: -1"));
    CliRun check = run("validate", challenge.toString());
    assertThat(check.code()).isEqualTo(1);
    assertThat(check.out()).contains("with.budgetSeconds: " + REFUSED + " (action 'CheckAccess')");
  }

  @Test
  void planRefusesANegativeBudgetFromAParameter(@TempDir Path dir) throws IOException {
    Path lab = dir.resolve("iam-service-role-lab.yaml");
    Files.writeString(lab, Files.readString(DEFINITIONS.resolve("iam-service-role-lab.yaml"))
        .replace("    pattern: \"[1-9][0-9]*\"\n", ""));
    // The worker's definitions directory, where plan reads the stack's template.
    CliRun plan = run("--definitions", DEFINITIONS.toString(), "plan", lab.toString(), "--lab-id",
        "lab-1", "-p", "verifyBudgetSeconds=-1");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains("step 'verify-no-access' (VerifyAccess): " + REFUSED);
    assertThat(run("--definitions", DEFINITIONS.toString(), "plan", lab.toString(), "--lab-id",
        "lab-1", "-p", "verifyBudgetSeconds=0").code()).isZero();
  }
}
