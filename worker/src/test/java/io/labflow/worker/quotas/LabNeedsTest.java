package io.labflow.worker.quotas;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.quotas.Quota;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.model.Definition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What one lab of each shipped definition counts against the account's quotas. */
@Tag("fast")
class LabNeedsTest {

  private static final Path DIR = Tools.repoRoot().resolve("definitions");

  private static Map<Quota, Integer> needOf(String name) throws Exception {
    Path file = DIR.resolve(name + ".yaml");
    Definition d = Composition.validate(file.getFileName().toString(), Files.readString(file))
        .definitionOrNull();
    return QuotaPlanner.needs(d, DIR, List.of(new FleetLab("l", null, Map.of())),
        SiteParameters.NONE).get("l");
  }

  @Test
  void theLabCountsItsStackAndItsIamSteps() throws Exception {
    assertThat(needOf("iam-service-role-lab")).isEqualTo(Map.of(Quota.VPCS, 1,
        Quota.INTERNET_GATEWAYS, 1, Quota.ROLES, 1, Quota.POLICIES, 1, Quota.INSTANCE_PROFILES, 1));
  }

  /**
   * The challenge: the learner access labflow creates (a role, its boundary policy and the role's
   * own managed policy, named after the role) and what
   * the learner makes in the tasks (a role, a policy, an instance profile), as the tasks' solve
   * steps do it.
   */
  @Test
  void theChallengeCountsTheLearnerAccessAndWhatTheTasksMake() throws Exception {
    assertThat(needOf("iam-service-role-challenge")).isEqualTo(Map.of(Quota.VPCS, 1,
        Quota.INTERNET_GATEWAYS, 1, Quota.ROLES, 2, Quota.POLICIES, 3, Quota.INSTANCE_PROFILES, 1));
  }

  private static final String SHARED_BOUNDARY = """
      name: shared-boundary
      description: The learner's boundary policy is made by a step of its own.
      parameters:
        trusted: {type: string, format: arn}
      steps:
        - id: boundary
          action: CreatePolicy
          with: {labId: "${lab.labId}", policyName: "labflow-${lab.labId}-boundary",
            bucketName: "labflow-${lab.labId}-b", actions: [s3:ListBucket]}
        - id: access
          action: CreateLearnerAccess
          with: {labId: "${lab.labId}", learnerRoleName: "labflow-${lab.labId}-learner",
            boundaryPolicyName: "labflow-${lab.labId}-boundary",
            trustedPrincipalArn: "${params.trusted}", bucketName: "labflow-${lab.labId}-b"}
      """;

  /**
   * A name two steps give counts once: the boundary policy one step creates and the learner's
   * access is given. Before, each step that named it counted it (3 policies).
   */
  @Test
  void aNameTwoStepsGiveCountsOnce() {
    Definition d = Composition.validate("shared-boundary.yaml", SHARED_BOUNDARY)
        .definitionOrNull();

    assertThat(LabNeeds.of(d, s -> "")).isEqualTo(Map.of(Quota.ROLES, 1, Quota.POLICIES, 2));
  }
}
