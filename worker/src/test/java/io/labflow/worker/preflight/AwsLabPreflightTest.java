package io.labflow.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the preflight reads from the shipped lab before its first step. */
@Tag("fast")
class AwsLabPreflightTest {

  @Test
  void theSimulatorIsCheckedOnTheLabsOwnRoleAsItsVerificationsNameIt() throws Exception {
    Definition d = new DefinitionLoader(Composition.CATALOG).load(
        "definitions/iam-service-role-lab.yaml",
        Files.readString(Tools.repoRoot().resolve("definitions/iam-service-role-lab.yaml")))
        .definitionOrNull();
    ResolvedLab lab = new ResolvedLab(d, "iam-service-role-lab.yaml", "read-only",
        Map.of("verifyMethod", "simulate", "bucketPrefix", "labflow", "verifyBudgetSeconds", 120,
            "instanceType", "t3.micro"));

    assertThat(AwsLabPreflight.verifications("lab-042", lab)).containsExactly(
        new Verification("simulate", "verifyMethod", false, "trustedPrincipalArn",
            "labflow-lab-042-role"));
  }
}
