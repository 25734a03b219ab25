package io.labflow.worker.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.model.Definition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The name prefixes the worker's policy is scoped to, read from a definition's parameters. */
@Tag("fast")
class WorkerPolicyScopeTest {

  private static final String LAB = """
      name: dashed
      description: A parameter whose name holds a dash.
      parameters:
        bucket-prefix:
          type: string
          default: labflow-x
      steps:
        - id: policy
          action: CreatePolicy
          with:
            labId: ${lab.labId}
            policyName: team-${lab.labId}-policy
            bucketName: ${params.bucket-prefix}-${lab.labId}
            actions: [s3:ListBucket]
      """;

  @Test
  void aDashedParameterIsReplacedByItsDefaultInTheBucketPrefix() {
    Definition d =
        new DefinitionLoader(Composition.CATALOG).load("dashed.yaml", LAB).definitionOrNull();

    WorkerPolicyScope scope = WorkerPolicyScope.of(d, SiteParameters.NONE);

    assertThat(scope.bucketPrefix()).contains("labflow-x-");
    assertThat(scope.namePrefix()).contains("team-");
  }

  private static final String LEARNER = """
      name: learner
      description: Only the learner's access names a role and policies.
      parameters:
        trusted:
          type: string
          format: arn
      steps:
        - id: access
          action: CreateLearnerAccess
          with:
            labId: ${lab.labId}
            learnerRoleName: team-${lab.labId}-learner
            boundaryPolicyName: team-${lab.labId}-boundary
            trustedPrincipalArn: ${params.trusted}
            bucketName: team-bucket-${lab.labId}
        - id: check
          action: VerifyAccess
          with:
            labId: ${lab.labId}
            roleName: other-${lab.labId}-role
            bucketName: team-bucket-${lab.labId}
            allow: []
            deny: [s3:ListBucket]
      """;

  /** The names are the ones the catalog says the actions create, not fields named like names. */
  @Test
  void theNamePrefixIsOfTheNamesTheStepsCreate() {
    Definition d = new DefinitionLoader(Composition.CATALOG).load("learner.yaml", LEARNER)
        .definitionOrNull();

    WorkerPolicyScope scope = WorkerPolicyScope.of(d, SiteParameters.NONE);

    assertThat(scope.namePrefix()).contains("team-");
    assertThat(scope.bucketPrefix()).contains("team-bucket-");
  }
}
