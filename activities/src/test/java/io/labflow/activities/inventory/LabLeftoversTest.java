package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

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

  /**
   * A bucket of another Region (ListBuckets lists the account's buckets of every Region) is not
   * the lab's, whose stack makes its bucket in the worker's Region: S3 answers a read of it from
   * this Region 301 PermanentRedirect (the local stack as AWS), so it is not listed, not read, and
   * not counted unreadable.
   */
  @Test
  void aBucketOfAnotherRegionIsNeitherTheLabsNorUnreadable() {
    try (S3Client eu = Lab.s3WithBucketInIreland("labflow-lab-a-eu")) {
      assertThatThrownBy(() -> lab.clients.s3().getBucketTagging(b -> b.bucket("labflow-lab-a-eu")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(301);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PermanentRedirect");
            assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(
                "x-amz-bucket-region")).contains("eu-west-1");
          });
      assertThatThrownBy(() -> eu.getBucketTagging(b -> b.bucket("labflow-lab-a-eu")))
          .isInstanceOfSatisfying(S3Exception.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchTagSet"));

      // Before: "unreadable buckets labflow-lab-a-eu (... PermanentRedirect ...)", every time.
      assertThat(LabInventoryActivitiesImpl.leftovers(lab.clients, "lab-a")).isEmpty();
    }
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
