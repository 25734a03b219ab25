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

  /**
   * The steps a switch runs are shown with the variant switched to (before: with the variant the
   * lab starts with, so a read-only lab's switch read List/Get, not the Put it writes).
   */
  @Test
  void theSwitchStepsAreShownWithTheVariantSwitchedTo() throws Exception {
    Definition d = shipped("iam-service-role-lab");

    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, "read-only", Map.of(), "test"),
        "lab-042", new LabPlan.Sources(Set.of(), Set.of(), null));

    assertThat(plan).contains("\nOn switch-variant to read-write:\n");
    String toReadWrite = plan.substring(plan.indexOf("\nOn switch-variant to read-write:\n"),
        plan.indexOf("Resources the run creates"));
    assertThat(toReadWrite).contains("s3:PutObject").doesNotContain("On switch-variant to read-only");
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

  private static final String TWO_POLICIES = """
      name: two-policies
      description: A fixed policy first, then the one the variant writes.
      variants:
        read: {actions: [s3:GetObject]}
        write: {actions: [s3:PutObject]}
      defaultVariant: read
      steps:
        - id: fixed
          action: CreatePolicy
          with: {labId: "${lab.labId}", policyName: "labflow-${lab.labId}-fixed",
            bucketName: "labflow-${lab.labId}-b", actions: [s3:ListBucket]}
        - id: by-variant
          action: CreatePolicy
          with: {labId: "${lab.labId}", policyName: "labflow-${lab.labId}-s3",
            bucketName: "labflow-${lab.labId}-b", actions: "${variant.actions}"}
      """;

  /**
   * Every variant's document is the one of the step whose inputs read the variant; before, the
   * first policy-building step's, which here is the same for both.
   */
  @Test
  void everyVariantsDocumentIsTheOneOfTheStepThatReadsTheVariant() {
    Definition d = Composition.validate("two-policies.yaml", TWO_POLICIES).definitionOrNull();

    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, null, Map.of(), "test"),
        "lab-042", new LabPlan.Sources(Set.of(), Set.of(), null));

    String write = plan.substring(plan.indexOf("Policy document of variant write"));
    assertThat(write).contains("\"s3:PutObject\"").doesNotContain("s3:ListBucket");
    assertThat(plan.substring(plan.indexOf("Policy document of variant read"),
        plan.indexOf("Policy document of variant write"))).contains("\"s3:GetObject\"");
  }

  /** When no policy-building step reads the variant, the plan says so: no document per variant. */
  @Test
  void whenNoPolicyDependsOnTheVariantThePlanSaysSo() {
    Definition d = Composition.validate("two-policies.yaml",
        TWO_POLICIES.replace("\"${variant.actions}\"", "[s3:GetObject]")).definitionOrNull();

    String plan = LabPlan.render(d, ParameterBinder.bind(d, null, null, Map.of(), "test"),
        "lab-042", new LabPlan.Sources(Set.of(), Set.of(), null));

    assertThat(plan).contains("\nNo step's policy document depends on the variant.\n")
        .doesNotContain("Policy document of variant");
  }
}
