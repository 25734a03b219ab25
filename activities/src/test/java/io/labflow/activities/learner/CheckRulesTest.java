package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure rules of the checks: reading a trust policy and a policy's scope. */
@Tag("fast")
class CheckRulesTest {

  static final String ROLE = "labflow-l-role";
  static final String EC2 = "ec2.amazonaws.com";
  static final String B = "labflow-l-bucket";
  static final List<String> READ = List.of("s3:ListBucket", "s3:GetObject");

  static CheckOutput trust(String statements) {
    return PolicyChecks.trust(
        PolicyDocuments.parse("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}"),
        ROLE, EC2);
  }

  static String allow(String principal) {
    return "{\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":\"sts:AssumeRole\"}";
  }

  @Test
  void trustLetsExactlyTheServiceAssumeTheRole() {
    assertThat(trust(allow("{\"Service\":\"ec2.amazonaws.com\"}")))
        .isEqualTo(CheckOutput.pass("only ec2.amazonaws.com may assume labflow-l-role"));
    assertThat(trust("[" + allow("{\"Service\":[\"ec2.amazonaws.com\"]}") + "]").passed()).isTrue();
    String only = " assume labflow-l-role; only ec2.amazonaws.com may";
    assertThat(trust(allow("{\"Service\":\"lambda.amazonaws.com\"}"))).isEqualTo(
        CheckOutput.fail("the trust policy lets lambda.amazonaws.com" + only));
    assertThat(trust(allow("{\"Service\":[\"ec2.amazonaws.com\",\"lambda.amazonaws.com\"]}")))
        .isEqualTo(CheckOutput.fail("the trust policy lets lambda.amazonaws.com" + only));
    assertThat(trust(allow("\"*\""))).isEqualTo(
        CheckOutput.fail("the trust policy lets anyone (Principal \"*\")" + only));
    assertThat(trust(allow("{\"AWS\":\"*\"}"))).isEqualTo(
        CheckOutput.fail("the trust policy lets any AWS principal (\"*\")" + only));
    assertThat(trust(allow("{\"AWS\":\"arn:aws:iam::123456789012:root\"}"))).isEqualTo(
        CheckOutput.fail("the trust policy lets every principal of the AWS account"
            + " arn:aws:iam::123456789012:root" + only));
    assertThat(trust(allow("{\"AWS\":\"123456789012\"}")).detail())
        .startsWith("the trust policy lets every principal of the AWS account 123456789012");
    assertThat(trust(allow("{\"AWS\":\"arn:aws:iam::123456789012:user/bob\"}"))).isEqualTo(
        CheckOutput.fail("the trust policy lets the AWS principal"
            + " arn:aws:iam::123456789012:user/bob" + only));
    assertThat(trust("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"Service\":\"x.amazonaws.com\"},"
        + "\"Action\":\"sts:AssumeRole\"}")).isEqualTo(CheckOutput.fail(
            "the trust policy uses NotPrincipal, which lets almost anyone" + only));
  }

  @Test
  void theServiceToTrustIsOneAwsService() {
    assertThat(PolicyDocuments.isOneService("ec2.amazonaws.com")).isTrue();
    for (String broader : List.of("*", "*.amazonaws.com", "ec2.example.com")) {
      assertThat(PolicyDocuments.isOneService(broader)).as(broader).isFalse();
    }
  }

  @Test
  void trustMustAllowAssumeRoleInExactlyOneStatement() {
    assertThat(trust("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
        + "\"Action\":\"sts:TagSession\"}")).isEqualTo(CheckOutput.fail(
            "the trust policy of labflow-l-role does not let ec2.amazonaws.com assume it"
                + " (Principal {\"Service\": \"ec2.amazonaws.com\"}, Action sts:AssumeRole)"));
    assertThat(trust("[]").passed()).isFalse();
    String ec2 = allow("{\"Service\":\"ec2.amazonaws.com\"}");
    assertThat(trust("[" + ec2 + "," + ec2.replace("Allow", "Deny") + "]")).isEqualTo(
        CheckOutput.fail("the trust policy of labflow-l-role has 2 statements; it needs exactly"
            + " one, letting only ec2.amazonaws.com assume it"));
  }

  /** IAM matches an Action by its wildcards (* and ?), ignoring case: each of these allows AssumeRole. */
  @Test
  void trustActionsMatchAssumeRoleByIamWildcards() {
    for (String action : List.of("sts:AssumeRole", "STS:assumerole", "sts:Assume*", "sts:*Role",
        "sts:AssumeRol?", "*", "sts:*")) {
      assertThat(trust(allow("{\"Service\":\"ec2.amazonaws.com\"}").replace("sts:AssumeRole", action))
          .passed()).as(action).isTrue();
    }
    for (String action : List.of("sts:AssumeRoleWith*", "sts:Assume", "sts:AssumeRole?", "iam:*")) {
      assertThat(trust(allow("{\"Service\":\"ec2.amazonaws.com\"}").replace("sts:AssumeRole", action))
          .passed()).as(action).isFalse();
    }
  }

  static CheckOutput scope(List<String> actions, String statements) {
    return PolicyChecks.scope(
        PolicyDocuments.parse("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}"),
        "labflow-l-s3", B, actions);
  }

  static String st(String effect, String actions, String resources) {
    return "{\"Effect\":\"" + effect + "\",\"Action\":" + actions + ",\"Resource\":" + resources
        + "}";
  }

  @Test
  void scopeAllowsExactlyTheActionsEachOnItsResource() {
    assertThat(scope(READ, PolicyDocuments.parse(PolicyDocuments.forBucket(B, READ, false))
            .get("Statement").toString()))
        .isEqualTo(CheckOutput.pass(
            "policy labflow-l-s3 allows exactly s3:ListBucket, s3:GetObject on bucket " + B));
    // One statement for both resources, actions in another case: IAM reads it the same.
    assertThat(scope(READ, st("Allow", "[\"s3:listbucket\",\"s3:GetObject\"]",
        "[\"arn:aws:s3:::" + B + "\",\"arn:aws:s3:::" + B + "/*\"]")).passed()).isTrue();
  }

  @Test
  void eachWayOfScopingWrongHasItsOwnSentence() {
    String p = "policy labflow-l-s3";
    String bucket = "\"arn:aws:s3:::" + B + "\"";
    String objects = "\"arn:aws:s3:::" + B + "/*\"";
    String both = "[" + bucket + "," + objects + "]";
    assertThat(scope(READ, st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\"]", "\"*\"")))
        .isEqualTo(CheckOutput.fail(p + " allows s3:ListBucket, s3:GetObject on every resource"
            + " (\"*\"); allow them only on bucket " + B + " (arn:aws:s3:::" + B
            + " and arn:aws:s3:::" + B + "/*)"));
    assertThat(scope(READ, st("Allow", "\"s3:GetObject\"", "\"arn:aws:s3:::other/*\"")))
        .isEqualTo(CheckOutput.fail(p + " allows s3:GetObject on arn:aws:s3:::other/*, which is"
            + " neither bucket " + B + " nor its objects"));
    assertThat(scope(READ, st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\"]", objects)))
        .isEqualTo(CheckOutput.fail(p + " allows s3:ListBucket only on arn:aws:s3:::" + B
            + "/*, so it cannot work: s3:ListBucket acts on the bucket itself, arn:aws:s3:::"
            + B));
    assertThat(scope(READ, st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\"]", bucket)))
        .isEqualTo(CheckOutput.fail(p + " allows s3:GetObject only on arn:aws:s3:::" + B
            + ", so it cannot work: s3:GetObject acts on objects, arn:aws:s3:::" + B + "/*"));
    assertThat(scope(READ, st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\",\"s3:PutObject\"]",
        both))).isEqualTo(CheckOutput.fail(
            p + " also allows s3:PutObject, which this task does not allow"));
    assertThat(scope(READ, st("Allow", "\"s3:*\"", both))).isEqualTo(
        CheckOutput.fail(p + " also allows s3:*, which this task does not allow"));
    assertThat(scope(READ, st("Allow", "\"s3:ListBucket\"", both))).isEqualTo(
        CheckOutput.fail(p + " does not allow s3:GetObject, which this task needs"));
    assertThat(scope(READ, "[" + st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\"]", both) + ","
        + st("Allow", "\"iam:PassRole\"", "\"*\"") + "]")).isEqualTo(CheckOutput.fail(
            p + " allows iam:PassRole on every resource (\"*\"); allow them only on bucket " + B
                + " (arn:aws:s3:::" + B + " and arn:aws:s3:::" + B + "/*)"));
    assertThat(scope(READ, "[" + st("Allow", "[\"s3:ListBucket\",\"s3:GetObject\"]", both) + ","
        + st("Deny", "\"s3:GetObject\"", objects) + "]")).isEqualTo(CheckOutput.fail(
            p + " has a statement that denies s3:GetObject; this task needs only statements"
                + " that allow"));
    assertThat(scope(READ, "{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":"
        + both + "}")).isEqualTo(CheckOutput.fail(p + " uses NotAction, which allows every"
            + " action it does not name; name the actions instead"));
    assertThat(scope(READ, "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":"
        + objects + "}")).isEqualTo(CheckOutput.fail(p + " uses NotResource, which allows every"
            + " resource it does not name; name bucket " + B + " instead"));
  }
}
