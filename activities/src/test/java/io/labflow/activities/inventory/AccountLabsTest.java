package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * What {@code labflow leaks} reads: every lab with resources in the account, filed by its lab and
 * namespace tags, whatever the lab; what carries no lab tag is nobody's; what cannot be read is
 * said.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class AccountLabsTest extends MotoLabTest {

  private static final String TRUST = PolicyDocuments.trustPolicy("ec2.amazonaws.com", null);

  private void role(String name, String... tags) {
    lab.clients.iam().createRole(b -> b.roleName(name).assumeRolePolicyDocument(TRUST)
        .tags(iamTags(tags)));
  }

  private static List<software.amazon.awssdk.services.iam.model.Tag> iamTags(String... kv) {
    List<software.amazon.awssdk.services.iam.model.Tag> tags = new java.util.ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      String k = kv[i];
      String v = kv[i + 1];
      tags.add(software.amazon.awssdk.services.iam.model.Tag.builder().key(k).value(v).build());
    }
    return tags;
  }

  @Test
  void everyLabIsFiledByItsLabAndNamespaceTags() {
    role("labflow-lab-a-role", "labflow:lab", "lab-a", "labflow:namespace", "default");
    String policy = lab.clients.iam().createPolicy(b -> b.policyName("labflow-lab-a-s3")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"}]}")
        .tags(iamTags("labflow:lab", "lab-a", "labflow:namespace", "default"))).policy().arn();
    lab.clients.s3().createBucket(b -> b.bucket("labflow-lab-a"));
    lab.clients.s3().putBucketTagging(b -> b.bucket("labflow-lab-a").tagging(t -> t.tagSet(
        s -> s.key("labflow:lab").value("lab-a"), s -> s.key("labflow:namespace").value("default"))));
    String vpc = lab.clients.ec2().createVpc(b -> b.cidrBlock("10.9.0.0/16").tagSpecifications(
        t -> t.resourceType(ResourceType.VPC).tags(
            s -> s.key("labflow:lab").value("lab-c"), s -> s.key("labflow:namespace").value("default"))))
        .vpc().vpcId();
    role("labflow-lab-b-role", "labflow:lab", "lab-b", "labflow:namespace", "other");
    role("labflow-lab-d-role", "labflow:lab", "lab-d");
    role("someone-elses-role", "team", "data");
    lab.clients.s3().createBucket(b -> b.bucket("someone-elses-bucket"));

    int roles = lab.clients.iam().listRoles().roles().size();
    int buckets = lab.clients.s3().listBuckets().buckets().size();
    lab.calls.reset();
    List<String> said = new java.util.ArrayList<>();
    AccountLabs found = AccountLabs.scan(lab.clients, said::add);

    assertThat(said).containsExactly("reading the tags of 0 stacks (one call each)",
        "reading the tags of " + roles + " roles (one call each)",
        "reading the tags of 1 policy (one call each)",
        "reading the tags of 0 instance profiles (one call each)",
        "reading the tags of " + buckets + " buckets (one call each)");
    // Counted on the wire: a listing of each kind (seven EC2 ones by the tag key), then one read
    // of each IAM entity's and bucket's tags, whatever lab it is (IAM and S3 have no lookup by tag).
    assertThat(lab.calls.count("Iam", "ListRoleTags")).isEqualTo(roles).isEqualTo(4);
    assertThat(lab.calls.count("Iam", "ListPolicyTags")).isEqualTo(1);
    assertThat(lab.calls.count("S3", "GetBucketTagging")).isEqualTo(buckets).isEqualTo(2);
    assertThat(lab.calls.total()).as(lab.calls.toString())
        .isEqualTo(7 + 1 + 1 + roles + 1 + 1 + 1 + 1 + buckets);
    assertThat(found.unreadable()).isEmpty();
    assertThat(found.denied()).isEmpty();
    assertThat(found.labs().keySet()).containsExactly("", "default", "other");
    Map<String, LabResources> ours = found.of("default");
    assertThat(ours.keySet()).containsExactly("lab-a", "lab-c");
    assertThat(ours.get("lab-a").counts()).isEqualTo("buckets=1, roles=1, policies=1");
    assertThat(ours.get("lab-a").get(ResourceKind.POLICIES)).containsExactly(policy);
    assertThat(ours.get("lab-c").get(ResourceKind.VPCS)).containsExactly(vpc);
    assertThat(found.of("other").get("lab-b").get(ResourceKind.ROLES))
        .containsExactly("labflow-lab-b-role");
    assertThat(found.of("").get("lab-d").get(ResourceKind.ROLES))
        .containsExactly("labflow-lab-d-role");
    assertThat(found.of("nobody")).isEmpty();
  }

  /**
   * A listing or a resource that cannot be read is said, never taken for "no lab there"; tags
   * these credentials may not read are told apart; a resource deleted since the listing is not.
   */
  @Test
  void whatCannotBeReadIsSaid() {
    role("labflow-lab-a-role", "labflow:lab", "lab-a", "labflow:namespace", "default");
    try (Lab denied = new Lab(List.of(
        new FaultInjector("DescribeVpcs", "UnauthorizedOperation", "not allowed", 1),
        new FaultInjector("ListRoleTags", "AccessDenied", "no tags for you", 1),
        new FaultInjector("ListPolicyTags", "NoSuchEntity", "deleted meanwhile", 1)))) {
      lab.clients.iam().createPolicy(b -> b.policyName("labflow-lab-a-s3")
          .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
              + "\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"}]}")
          .tags(iamTags("labflow:lab", "lab-a", "labflow:namespace", "default")));
      AccountLabs found = AccountLabs.scan(denied.clients, said -> { });
      assertThat(found.unreadable()).singleElement().satisfies(u ->
          assertThat(u).startsWith("EC2 VPCs (").contains("not allowed"));
      assertThat(found.denied()).isEqualTo(
          Map.of(ResourceKind.ROLES, List.of("labflow-lab-a-role")));
      assertThat(found.of("default")).isEmpty();
    }
  }

  /**
   * A lab's bucket of another Region is not read from this one: AWS leaves it out of {@code
   * ListBuckets} by {@code BucketRegion} and answers its tag read 301; it is neither filed nor said
   * to be unread (labs live in the worker's Region; docs/worker.md says the scan reads one).
   */
  @Test
  void aBucketOfAnotherRegionIsNeitherFiledNorUnread() {
    try (S3Client eu = Lab.s3WithBucketInIreland("labflow-lab-e-eu")) {
      eu.putBucketTagging(b -> b.bucket("labflow-lab-e-eu").tagging(t -> t.tagSet(
          s -> s.key("labflow:lab").value("lab-e"), s -> s.key("labflow:namespace").value("default"))));
      lab.calls.reset();
      AccountLabs found = AccountLabs.scan(lab.clients, said -> { });
      assertThat(found.unreadable()).isEmpty();
      assertThat(found.labs()).isEmpty();
      assertThat(lab.calls.count("S3", "GetBucketTagging")).as("listed by BucketRegion").isZero();
    }
  }
}
