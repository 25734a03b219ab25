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

  private static Definition shipped(String name) throws Exception {
    Path file = Tools.repoRoot().resolve("definitions").resolve(name + ".yaml");
    return Composition.validate(file.getFileName().toString(), Files.readString(file))
        .definitionOrNull();
  }

  @Test
  void theResourcesAreTheStepsThatCreateANameNotTheAttachments() throws Exception {
    Definition d = shipped("iam-service-role-lab");

    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, null, Map.of(), "test"), "lab-042",
        new LabPlan.Sources(Set.of(), Set.of(), null));

    String resources = plan.substring(plan.indexOf("Resources the run creates"),
        plan.indexOf("The lab stays live"));
    assertThat(resources.lines().filter(l -> l.startsWith("  - "))
        .map(l -> l.substring(l.indexOf("[step "))))
        .containsExactly("[step create-stack]", "[step create-role]", "[step create-policy]",
            "[step create-instance-profile]");
  }

  /** Every role a run may create has its trust shown: a task's solve step creates one too. */
  @Test
  void theTrustPolicyOfTheRoleATasksSolveCreatesIsShown() throws Exception {
    Definition d = shipped("iam-service-role-challenge");
    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, null,
            Map.of("trustedPrincipalArn", "arn:aws:iam::123456789012:user/learner"), "test"),
        "lab-042", new LabPlan.Sources(Set.of(), Set.of(), null));

    String header = "Trust policy of the role of step solve-create-role (who may assume it):";
    assertThat(plan).contains(header);
    assertThat(plan.substring(plan.indexOf(header)))
        .contains("\"Service\" : \"ec2.amazonaws.com\"");
  }
}
