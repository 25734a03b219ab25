package io.labflow.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.model.Definition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The resources a plan lists are what the steps' actions create, as the catalog declares it. */
@Tag("fast")
class LabPlanTest {

  @Test
  void theResourcesAreTheStepsThatCreateANameNotTheAttachments() throws Exception {
    Path file = Tools.repoRoot().resolve("definitions").resolve("iam-service-role-lab.yaml");
    Definition d = Composition.validate(file.getFileName().toString(), Files.readString(file))
        .definition().orElseThrow();

    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, Map.of(), "test"), "lab-042",
        new LabPlan.Sources(Set.of(), Set.of(), null));

    String resources = plan.substring(plan.indexOf("Resources the run creates"),
        plan.indexOf("The lab stays live"));
    assertThat(resources.lines().filter(l -> l.startsWith("  - "))
        .map(l -> l.substring(l.indexOf("[step "))))
        .containsExactly("[step create-stack]", "[step create-role]", "[step create-policy]",
            "[step create-instance-profile]");
  }
}
