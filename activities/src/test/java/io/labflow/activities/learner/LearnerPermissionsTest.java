package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.permissions.WorkerPermissions;
import io.labflow.activities.permissions.WorkerPolicy;
import io.labflow.activities.permissions.PolicyScope;
import io.labflow.workflows.lab.LabIds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The worker policy grants what the check and adopt actions call, and no write but tagging. */
@Tag("fast")
class LearnerPermissionsTest {

  /** The whole step library's names: any account and region, the {@code labflow-} prefix. */
  static final PolicyScope.Names LIBRARY =
      new PolicyScope.Names("*", "*", LabIds.NAME_PREFIX, LabIds.NAME_PREFIX);

  /** Each action's AWS calls (GetCallerIdentity, for a policy's ARN, is every run's). */
  static final Map<String, List<String>> CALLS = Map.of(
      "CheckRoleTrust", List.of("Iam.GetRole"),
      "CheckRoleBoundary", List.of("Iam.GetRole"),
      "CheckPolicyScope", List.of("Iam.GetPolicy", "Iam.GetPolicyVersion"),
      "CheckPolicyAttached", List.of("Iam.GetRole", "Iam.ListAttachedRolePolicies"),
      "CheckInstanceProfile", List.of("Iam.GetInstanceProfile"),
      "CheckProfileOnInstance",
      List.of("Ec2.DescribeIamInstanceProfileAssociations", "Iam.GetInstanceProfile"),
      "CheckAccess", List.of("Iam.GetRole", "Iam.SimulatePrincipalPolicy"),
      "AdoptRole", List.of("Iam.GetRole", "Iam.ListRoleTags", "Iam.TagRole"),
      "AdoptPolicy", List.of("Iam.GetPolicy", "Iam.ListPolicyTags", "Iam.TagPolicy"),
      "AdoptInstanceProfile", List.of("Iam.GetInstanceProfile", "Iam.TagInstanceProfile"));

  @Test
  void eachCallOfTheLearnerActionsIsGrantedToThem() {
    CALLS.forEach((action, operations) -> {
      for (String op : operations) {
        assertThat(usedBy(op)).as(op).contains(action);
      }
      String policy = new WorkerPolicy.Policy(Set.of(action), Set.of(), LIBRARY).document();
      for (String op : operations) {
        String iamAction = op.substring(0, op.indexOf('.')).toLowerCase() + ":"
            + op.substring(op.indexOf('.') + 1);
        assertThat(policy).as(action).contains("\"" + iamAction + "\"");
      }
    });
    // A row of its own does not hide the operation's other uses.
    assertThat(usedBy("Iam.GetRole"))
        .contains("CreateRole", "VerifyAccess", "CheckRoleTrust");
  }

  /** The step actions that call an operation, over all its rows in the table. */
  static Set<String> usedBy(String operation) {
    Set<String> out = new TreeSet<>();
    WorkerPermissions.OPERATIONS.stream().filter(o -> o.name().equals(operation))
        .forEach(o -> out.addAll(o.usedBy()));
    return out;
  }

  @Test
  void adoptingTagsOnlyWithTheLabTagInTheRequest() {
    String policy = new WorkerPolicy.Policy(
        Set.of("AdoptRole", "AdoptPolicy", "AdoptInstanceProfile"), Set.of(), LIBRARY).document();
    assertThat(policy).doesNotContain("iam:Create", "iam:Delete", "iam:Put", "iam:Update",
        "iam:Attach", "iam:Detach");
    assertThat(policy).contains("\"aws:RequestTag/labflow:lab\" : \"false\"");
  }
}
