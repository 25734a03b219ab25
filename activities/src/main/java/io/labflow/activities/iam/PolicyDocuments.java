package io.labflow.activities.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.common.AwsFailures;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Builds and compares IAM policy documents scoped to one bucket. */
public final class PolicyDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a step input's {@code @Limit} names a bucket (the lab template's BucketName too). */
  public static final String S3_BUCKET = "S3 bucket name";

  /**
   * S3's bucket naming rules (3 to 63 characters besides): the one rule, which the step inputs'
   * {@code @Limit} and {@link #forBucket} both apply.
   */
  public static final String BUCKET_PATTERN =
      "(?!xn--)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]*[a-z0-9](?<!-s3alias)";

  public static final String BUCKET_RULE =
      "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,"
          + " without two dots in a row or an xn-- prefix";

  private static final Pattern BUCKET = Pattern.compile(BUCKET_PATTERN);

  private PolicyDocuments() {}

  public static String bucketArn(String bucket) {
    return "arn:aws:s3:::" + bucket;
  }

  public static String objectsArn(String bucket) {
    return "arn:aws:s3:::" + bucket + "/*";
  }

  /**
   * A policy allowing exactly these S3 actions on this bucket: bucket-level actions on the bucket
   * ARN, object actions on {@code bucket/*}. The resource is {@code "*"} only when {@code
   * resourceWildcard} is true.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} for a bad bucket name, an
   *     empty action list or an action that cannot be scoped to a bucket ({@link S3Actions})
   */
  public static String forBucket(String bucket, List<String> actions, boolean resourceWildcard) {
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63
        || !BUCKET.matcher(bucket).matches()) {
      throw AwsFailures.invalidInput("not a valid S3 bucket name: " + bucket);
    }
    if (actions == null || actions.isEmpty()) {
      throw AwsFailures.invalidInput("a policy needs at least one action");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String a : actions) {
      S3Actions.problem(a).ifPresent(p -> {
        throw AwsFailures.invalidInput(p);
      });
      unique.add(a);
    }
    if (resourceWildcard) {
      return document(List.of(statement("LabflowAll", "Allow", List.copyOf(unique), List.of("*"),
          null)), false);
    }
    // A wildcard action may match both kinds, so it gets both resources; no action, no statement.
    return document(Stream.of(
            statement("LabflowBucket", "Allow", unique.stream()
                .filter(a -> a.contains("*") || S3Actions.onBucket(a)).toList(),
                List.of(bucketArn(bucket)), null),
            statement("LabflowObjects", "Allow", unique.stream()
                .filter(a -> a.contains("*") || !S3Actions.onBucket(a)).toList(),
                List.of(objectsArn(bucket)), null))
        .filter(st -> !st.get("Action").isEmpty()).toList(), false);
  }

  /**
   * The trust policy letting this service principal and this AWS principal (either optional)
   * assume the role. Both principals share one statement: that is equivalent for IAM, and it is the
   * only shape moto can evaluate (it fails on a statement naming only a service when it checks
   * AssumeRole).
   */
  public static String trustPolicy(String servicePrincipal, String awsPrincipalArn) {
    ObjectNode st = JSON.createObjectNode().put("Effect", "Allow");
    ObjectNode principal = st.putObject("Principal");
    if (servicePrincipal != null) {
      principal.put("Service", servicePrincipal);
    }
    if (awsPrincipalArn != null && !awsPrincipalArn.isBlank()) {
      principal.put("AWS", awsPrincipalArn);
    }
    st.put("Action", "sts:AssumeRole");
    return document(List.of(st), false);
  }

  /**
   * Whether a service principal names one AWS service ({@code ec2.amazonaws.com}): no wildcard,
   * nothing but a service's name. What {@code plan} flags and the trust check refuses otherwise.
   */
  public static boolean isOneService(String servicePrincipal) {
    return !servicePrincipal.contains("*") && servicePrincipal.endsWith(".amazonaws.com");
  }

  /** Whether two policy documents are the same JSON, either possibly URL-encoded as IAM returns. */
  public static boolean sameDocument(String a, String b) {
    return parse(a).equals(parse(b));
  }

  /** Parses a document, URL-decoding it first when IAM returned it encoded. */
  public static JsonNode parse(String document) {
    String text =
        document.trim().startsWith("{")
            ? document
            : URLDecoder.decode(document, StandardCharsets.UTF_8);
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw AwsFailures.invalidInput("not a JSON policy document: " + e.getOriginalMessage());
    }
  }

  /** A statement of these actions on these resources, under the condition (null: none). */
  public static ObjectNode statement(String sid, String effect, List<String> actions,
      List<String> resources, Object condition) {
    ObjectNode st = JSON.createObjectNode();
    st.put("Sid", sid);
    st.put("Effect", effect);
    st.set("Action", JSON.valueToTree(actions));
    st.set("Resource", JSON.valueToTree(resources));
    if (condition != null) {
      st.set("Condition", JSON.valueToTree(condition));
    }
    return st;
  }

  /** A policy document of these statements, as JSON; indented for people when {@code pretty}. */
  public static String document(List<ObjectNode> statements, boolean pretty) {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    doc.putArray("Statement").addAll(statements);
    return pretty ? doc.toPrettyString() : doc.toString();
  }
}
