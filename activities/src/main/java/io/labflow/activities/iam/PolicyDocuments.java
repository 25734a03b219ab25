package io.labflow.activities.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.common.AwsFailures;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Builds and compares IAM policy documents scoped to one bucket. */
public final class PolicyDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern S3_ACTION = Pattern.compile("s3:[A-Za-z*]+");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** S3 actions that act on the bucket itself rather than on its objects. */
  static final Set<String> BUCKET_ACTIONS =
      Set.of(
          "s3:ListBucket",
          "s3:ListBucketVersions",
          "s3:ListBucketMultipartUploads",
          "s3:GetBucketLocation",
          "s3:GetBucketTagging",
          "s3:GetBucketPolicy",
          "s3:GetBucketAcl",
          "s3:GetBucketVersioning");

  private PolicyDocuments() {}

  public static String bucketArn(String bucket) {
    return "arn:aws:s3:::" + bucket;
  }

  public static String objectsArn(String bucket) {
    return "arn:aws:s3:::" + bucket + "/*";
  }

  public static boolean isBucketAction(String action) {
    return BUCKET_ACTIONS.contains(action);
  }

  /**
   * A policy allowing exactly these S3 actions on this bucket: bucket-level actions on the bucket
   * ARN, object actions on {@code bucket/*}. The resource is {@code "*"} only when {@code
   * resourceWildcard} is true.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} for a bad bucket name, an
   *     empty action list or an action that is not an S3 action
   */
  public static String forBucket(String bucket, List<String> actions, boolean resourceWildcard) {
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw AwsFailures.invalidInput("not a valid S3 bucket name: " + bucket);
    }
    if (actions == null || actions.isEmpty()) {
      throw AwsFailures.invalidInput("a policy needs at least one action");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String a : actions) {
      if (a == null || !S3_ACTION.matcher(a).matches()) {
        throw AwsFailures.invalidInput(
            "only S3 actions (s3:Name) can be scoped to a bucket, got: " + a);
      }
      unique.add(a);
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    if (resourceWildcard) {
      statement(statements, "LabflowAll", List.copyOf(unique), "*");
      return write(doc);
    }
    // A wildcard action may match both kinds, so it gets both resources.
    statement(statements, "LabflowBucket",
        unique.stream().filter(a -> a.contains("*") || isBucketAction(a)).toList(),
        bucketArn(bucket));
    statement(statements, "LabflowObjects",
        unique.stream().filter(a -> a.contains("*") || !isBucketAction(a)).toList(),
        objectsArn(bucket));
    return write(doc);
  }

  /**
   * The trust policy letting this service principal, and optionally one AWS principal, assume the
   * role. Both principals share one statement: that is equivalent for IAM, and it is the only shape
   * moto can evaluate (it fails on a statement naming only a service when it checks AssumeRole).
   */
  public static String trustPolicy(String servicePrincipal, String awsPrincipalArn) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    ObjectNode st = statements.addObject();
    st.put("Effect", "Allow");
    ObjectNode principal = st.putObject("Principal");
    principal.put("Service", servicePrincipal);
    if (awsPrincipalArn != null && !awsPrincipalArn.isBlank()) {
      principal.put("AWS", awsPrincipalArn);
    }
    st.put("Action", "sts:AssumeRole");
    return write(doc);
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

  /** A statement allowing these actions (none: no statement) on the resource. */
  private static void statement(
      ArrayNode statements, String sid, List<String> actions, String resource) {
    if (actions.isEmpty()) {
      return;
    }
    ObjectNode st = statements.addObject();
    st.put("Sid", sid);
    st.put("Effect", "Allow");
    ArrayNode a = st.putArray("Action");
    actions.forEach(a::add);
    st.putArray("Resource").add(resource);
  }

  /** A policy document (a Jackson tree, or maps and lists) as JSON. */
  public static String write(Object doc) {
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
