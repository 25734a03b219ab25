package io.labflow.activities.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ApplicationFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PolicyDocumentsTest {

  @Test
  void readOnlyIsScopedToBucketAndObjects() {
    JsonNode doc =
        PolicyDocuments.parse(
            PolicyDocuments.forBucket("lab-bucket", List.of("s3:ListBucket", "s3:GetObject"), false));
    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    JsonNode st = doc.get("Statement");
    assertThat(st).hasSize(2);
    assertThat(st.get(0).get("Action").toString()).isEqualTo("[\"s3:ListBucket\"]");
    assertThat(st.get(0).get("Resource").toString()).isEqualTo("[\"arn:aws:s3:::lab-bucket\"]");
    assertThat(st.get(1).get("Action").toString()).isEqualTo("[\"s3:GetObject\"]");
    assertThat(st.get(1).get("Resource").toString()).isEqualTo("[\"arn:aws:s3:::lab-bucket/*\"]");
    assertThat(doc.toString()).doesNotContain("\"*\"");
  }

  @Test
  void readWriteAddsPutOnObjectsOnly() {
    JsonNode doc =
        PolicyDocuments.parse(
            PolicyDocuments.forBucket(
                "lab-bucket", List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"), false));
    assertThat(doc.get("Statement").get(1).get("Action").toString())
        .isEqualTo("[\"s3:GetObject\",\"s3:PutObject\"]");
    assertThat(doc.toString()).doesNotContain("\"*\"");
  }

  @Test
  void wildcardActionGetsBothScopedResourcesButNeverStar() {
    String doc = PolicyDocuments.forBucket("lab-bucket", List.of("s3:Get*"), false);
    assertThat(doc).contains("arn:aws:s3:::lab-bucket\"").contains("arn:aws:s3:::lab-bucket/*");
    assertThat(doc).doesNotContain("\"Resource\":[\"*\"]");
  }

  @Test
  void resourceStarOnlyWhenAskedFor() {
    String doc = PolicyDocuments.forBucket("lab-bucket", List.of("s3:GetObject"), true);
    assertThat(PolicyDocuments.parse(doc).get("Statement").get(0).get("Resource").toString())
        .isEqualTo("[\"*\"]");
  }

  @Test
  void duplicatesCollapse() {
    String doc =
        PolicyDocuments.forBucket("lab-bucket", List.of("s3:GetObject", "s3:GetObject"), false);
    assertThat(PolicyDocuments.parse(doc).get("Statement").get(0).get("Action")).hasSize(1);
  }

  @Test
  void rejectsNonS3ActionsEmptyListsAndBadBuckets() {
    assertInvalid(() -> PolicyDocuments.forBucket("lab-bucket", List.of("iam:PassRole"), false));
    assertInvalid(() -> PolicyDocuments.forBucket("lab-bucket", List.of("*"), false));
    assertInvalid(() -> PolicyDocuments.forBucket("lab-bucket", List.of(), false));
    assertInvalid(() -> PolicyDocuments.forBucket("Bad_Bucket", List.of("s3:GetObject"), false));
    assertInvalid(() -> PolicyDocuments.forBucket("*", List.of("s3:GetObject"), false));
    // S3's rules as the step inputs' @Limit states them; before, these built a policy.
    for (String bad : List.of("xn--lab-bucket", "lab..bucket", "lab-bucket-s3alias", "ab",
        "a".repeat(64))) {
      assertInvalid(() -> PolicyDocuments.forBucket(bad, List.of("s3:GetObject"), false));
    }
  }

  /**
   * Which resource an action acts on is IAM's service reference's, not a list of eight: before,
   * s3:GetBucketPolicyStatus went on bucket/* (which AWS never matches for it) and a typo such as
   * s3:ListBuckets into the policy, found only when the verification failed.
   */
  @Test
  void everyBucketActionIsScopedToTheBucketAndNoUnknownActionGetsIn() {
    JsonNode st = PolicyDocuments.parse(PolicyDocuments.forBucket("lab-bucket",
        List.of("s3:GetBucketPolicyStatus", "s3:getobjecttagging"), false)).get("Statement");
    assertThat(st.get(0).get("Action").toString()).isEqualTo("[\"s3:GetBucketPolicyStatus\"]");
    assertThat(st.get(0).get("Resource").toString()).isEqualTo("[\"arn:aws:s3:::lab-bucket\"]");
    assertThat(st.get(1).get("Action").toString()).isEqualTo("[\"s3:getobjecttagging\"]");
    assertThat(st.get(1).get("Resource").toString()).isEqualTo("[\"arn:aws:s3:::lab-bucket/*\"]");
    assertThat(invalid(List.of("s3:ListBuckets")))
        .isEqualTo("s3:ListBuckets is not an S3 action; did you mean 's3:ListBucket'?");
    assertThat(invalid(List.of("s3:ListAllMyBuckets"))).isEqualTo("s3:ListAllMyBuckets acts on"
        + " no bucket or object, so a policy scoped to the lab's bucket cannot allow it");
    assertThat(invalid(List.of("s3:Gett*")))
        .isEqualTo("s3:Gett* matches no S3 action on a bucket or its objects");
    assertThat(invalid(List.of("iam:PassRole")))
        .isEqualTo("only S3 actions (s3:Name) can be scoped to a bucket, got: iam:PassRole");
  }

  private static String invalid(List<String> actions) {
    try {
      PolicyDocuments.forBucket("lab-bucket", actions, false);
    } catch (ApplicationFailure f) {
      assertThat(f.getType()).isEqualTo("InvalidInput");
      return f.getOriginalMessage();
    }
    throw new AssertionError("accepted " + actions);
  }

  @Test
  void comparesUrlEncodedDocumentsAsIamReturnsThem() {
    String doc = PolicyDocuments.forBucket("lab-bucket", List.of("s3:GetObject"), false);
    String encoded = URLEncoder.encode(doc, StandardCharsets.UTF_8);
    assertThat(PolicyDocuments.sameDocument(encoded, doc)).isTrue();
    assertThat(
            PolicyDocuments.sameDocument(
                doc, PolicyDocuments.forBucket("lab-bucket", List.of("s3:PutObject"), false)))
        .isFalse();
  }

  @Test
  void trustPolicyForServiceAndOptionalAwsPrincipal() {
    JsonNode t = PolicyDocuments.parse(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null));
    assertThat(t.get("Statement")).hasSize(1);
    assertThat(t.get("Statement").get(0).get("Principal").get("Service").asText())
        .isEqualTo("ec2.amazonaws.com");
    JsonNode t2 =
        PolicyDocuments.parse(
            PolicyDocuments.trustPolicy("ec2.amazonaws.com", "arn:aws:iam::123456789012:root"));
    assertThat(t2.get("Statement")).hasSize(1);
    assertThat(t2.get("Statement").get(0).get("Principal").get("AWS").asText())
        .isEqualTo("arn:aws:iam::123456789012:root");
    assertThat(t2.get("Statement").get(0).get("Principal").get("Service").asText())
        .isEqualTo("ec2.amazonaws.com");
  }

  private static void assertInvalid(Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("InvalidInput");
              assertThat(f.isNonRetryable()).isTrue();
            });
  }
}
