package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code labflow test} counts after a teardown, outside any activity: the lab's resources by
 * its tag, and what carries the lab's name without its tag (a learner's, never adopted); another
 * lab's names are not the lab's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class LabLeftoversTest extends MotoLabTest {

  @Test
  void findsTheLabsTaggedResourcesAndWhatCarriesItsNameUntagged() {
    lab.iam.createRole(new CreateRoleInput("lab-a", "labflow-lab-a-role", null, null, null, null, null));
    var iam = lab.clients.iam();
    String trust = PolicyDocuments.trustPolicy("ec2.amazonaws.com", null);
    iam.createRole(b -> b.roleName("labflow-lab-a-learner").assumeRolePolicyDocument(trust));
    iam.createRole(b -> b.roleName("labflow-lab-ab-role").assumeRolePolicyDocument(trust));
    String policy = iam.createPolicy(b -> b.policyName("labflow-lab-a-s3").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
            + "\"Resource\":\"arn:aws:s3:::b\"}]}")).policy().arn();
    iam.createInstanceProfile(b -> b.instanceProfileName("labflow-lab-a-profile"));
    lab.clients.s3().createBucket(b -> b.bucket("labflow-lab-b"));

    assertThat(LabInventoryActivitiesImpl.leftovers(lab.clients, "lab-a"))
        .containsExactlyInAnyOrder(
        "roles labflow-lab-a-role",
        "roles labflow-lab-a-learner",
        "policies " + policy,
        "instanceProfiles labflow-lab-a-profile");
    assertThat(LabInventoryActivitiesImpl.leftovers(lab.clients, "lab-c")).isEmpty();
  }

  /** What the inventory cannot read is said, never taken for "nothing left". */
  @Test
  void whatCannotBeReadIsSaidNotTakenForNothingLeft() {
    try (Lab denied = new Lab(List.of(
        new FaultInjector("DescribeVpcs", "UnauthorizedOperation", "not allowed", 1)))) {
      assertThat(LabInventoryActivitiesImpl.leftovers(denied.clients, "lab-a")).singleElement()
          .satisfies(left ->
              assertThat(left).startsWith("unreadable VPCs (").contains("not allowed"));
    }
  }
}
