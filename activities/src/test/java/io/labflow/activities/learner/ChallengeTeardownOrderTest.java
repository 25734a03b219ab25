package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.testing.Lab;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The challenge's teardown and the learner's race: on AWS a deleted role's sessions act for
 * seconds, so the learner's credentials are revoked before the stack's delete (minutes) and what
 * the learner made is taken only after it.
 */
@Tag("fast")
class ChallengeTeardownOrderTest {

  private static Definition challenge() throws IOException {
    Path file = Lab.definitionsDir().resolve("iam-service-role-challenge.yaml");
    LoadResult loaded = new DefinitionLoader(ActionCatalog.fromActivityInterfaces(
        StepLibrary.activityInterfaces().toArray(Class<?>[]::new)))
        .load(file.getFileName().toString(), Files.readString(file));
    assertThat(loaded.errors()).isEmpty();
    return loaded.definitionOrNull();
  }

  @Test
  void theRevokeComesBeforeTheStacksDeleteAndTheTakeAfterIt() throws IOException {
    List<String> teardown = new ArrayList<>(Step.actions(challenge().steps()).stream()
        .map(ActionStep::compensate).filter(Objects::nonNull)
        .map(ChallengeTeardownOrderTest::parts).toList());
    Collections.reverse(teardown); // newest first

    assertThat(teardown).containsExactly(
        "revoke learnerRoleName",
        "DeleteStack",
        "take instanceProfileName notBefore policyName roleName, boundary boundaryPolicyName");
  }

  @Test
  void theFirstStepMakesNothingAndItsUndoDeletesTheLearnersBoundary() throws IOException {
    Map<String, ActionStep> steps = new HashMap<>();
    Step.actions(challenge().steps()).forEach(s -> steps.put(s.id(), s));
    ActionStep leftovers = steps.get("learner-leftovers");
    Object boundary = steps.get("learner-access").with().get("boundaryPolicyName");

    assertThat(leftovers.action()).isEqualTo("AdoptPolicy");
    assertThat(leftovers.with()).containsEntry("policyName", boundary)
        .containsEntry("ifExists", true);
    assertThat(leftovers.compensate().with()).containsEntry("boundaryPolicyName", boundary);
  }

  /** What a DeleteLearnerAccess does with its fields; any other undo by its action. */
  private static String parts(Compensation c) {
    if (!c.action().equals("DeleteLearnerAccess")) {
      return c.action();
    }
    Map<String, List<String>> parts = Map.of("revoke", List.of("learnerRoleName"),
        "take", List.of("instanceProfileName", "instanceId", "notBefore", "policyName", "roleName"),
        "boundary", List.of("boundaryPolicyName"));
    List<String> done = new ArrayList<>();
    for (String part : List.of("revoke", "take", "boundary")) {
      List<String> given = parts.get(part).stream().filter(c.with()::containsKey).toList();
      if (!given.isEmpty()) {
        done.add(part + " " + String.join(" ", given));
      }
    }
    return String.join(", ", done);
  }
}
