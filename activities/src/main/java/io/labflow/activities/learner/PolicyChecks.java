package io.labflow.activities.learner;

import com.fasterxml.jackson.databind.JsonNode;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.S3Actions;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks' reading of policy documents: does a role's trust policy let exactly one service
 * assume the role? Does a managed policy allow exactly these S3 actions, each on the resource it
 * acts on (the bucket, or the bucket's objects), and nothing else?
 */
final class PolicyChecks {

  /** An account as an AWS principal: its id, or its root ARN. */
  private static final Pattern ACCOUNT =
      Pattern.compile("[0-9]{12}|arn:[a-z-]+:iam::[0-9]{12}:root");

  private PolicyChecks() {}

  /** The answer for this trust policy of {@code role}, which only {@code service} may assume. */
  static CheckOutput trust(JsonNode trust, String role, String service) {
    String only = " assume " + role + "; only " + service + " may";
    List<JsonNode> statements = statements(trust);
    boolean serviceMayAssume = false;
    for (JsonNode st : statements) {
      if (!"Allow".equals(st.path("Effect").asText())) {
        continue;
      }
      if (st.has("NotPrincipal")) {
        return CheckOutput.fail(
            "the trust policy uses NotPrincipal, which lets almost anyone" + only);
      }
      JsonNode principal = st.path("Principal");
      if (principal.isTextual()) {
        return CheckOutput.fail("the trust policy lets anyone (Principal \"*\")" + only);
      }
      for (Map.Entry<String, JsonNode> e : principal.properties()) {
        for (String p : strings(e.getValue())) {
          String type = e.getKey();
          if (p.equals("*")) {
            return CheckOutput.fail(
                "the trust policy lets any " + type + " principal (\"*\")" + only);
          }
          if (type.equals("Service") && p.equalsIgnoreCase(service)) {
            serviceMayAssume |= strings(st.path("Action")).stream()
                .anyMatch(a -> names(a, "sts:AssumeRole"));
          } else if (type.equals("Service")) {
            return CheckOutput.fail("the trust policy lets " + p + only);
          } else if (type.equals("AWS") && ACCOUNT.matcher(p).matches()) {
            return CheckOutput.fail("the trust policy lets every principal of the AWS account "
                + p + only);
          } else {
            return CheckOutput.fail("the trust policy lets the " + type + " principal " + p + only);
          }
        }
      }
    }
    if (!serviceMayAssume) {
      return CheckOutput.fail("the trust policy of " + role + " does not let " + service
          + " assume it (Principal {\"Service\": \"" + service + "\"}, Action sts:AssumeRole)");
    }
    if (statements.size() > 1) {
      return CheckOutput.fail("the trust policy of " + role + " has " + statements.size()
          + " statements; it needs exactly one, letting only " + service + " assume it");
    }
    return CheckOutput.pass("only " + service + " may assume " + role);
  }

  /** A policy's statements: {@code Statement} is one object or an array of them. */
  static List<JsonNode> statements(JsonNode policy) {
    JsonNode s = policy.path("Statement");
    return s.isArray() ? s.valueStream().toList() : s.isObject() ? List.of(s) : List.of();
  }

  /** Whether IAM's Action {@code pattern} names {@code action}: wildcards * and ?, any case. */
  static boolean names(String pattern, String action) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }

  /** A policy element that is one string or an array of strings. */
  static List<String> strings(JsonNode n) {
    return n.isArray() ? n.valueStream().map(JsonNode::asText).toList()
        : n.isTextual() ? List.of(n.asText()) : List.of();
  }

  /** The answer for this document of managed policy {@code policy}. */
  static CheckOutput scope(JsonNode document, String policy, String bucket, List<String> actions) {
    String bucketArn = PolicyDocuments.bucketArn(bucket);
    String objectsArn = PolicyDocuments.objectsArn(bucket);
    String p = "policy " + policy;
    // Each allowed action (IAM compares them ignoring case) with the resources it is allowed on.
    Map<String, Set<String>> allowedOn = new LinkedHashMap<>();
    Map<String, String> spelled = new LinkedHashMap<>();
    for (JsonNode st : statements(document)) {
      if (st.has("NotAction")) {
        return CheckOutput.fail(p + " uses NotAction, which allows every action it does not name;"
            + " name the actions instead");
      }
      if (st.has("NotResource")) {
        return CheckOutput.fail(p + " uses NotResource, which allows every resource it does not"
            + " name; name bucket " + bucket + " instead");
      }
      List<String> stActions = strings(st.path("Action"));
      if (!"Allow".equals(st.path("Effect").asText())) {
        return CheckOutput.fail(p + " has a statement that denies " + String.join(", ", stActions)
            + "; this task needs only statements that allow");
      }
      List<String> resources = strings(st.path("Resource"));
      for (String r : resources) {
        if (r.equals("*")) {
          return CheckOutput.fail(p + " allows " + String.join(", ", stActions)
              + " on every resource (\"*\"); allow them only on bucket " + bucket + " ("
              + bucketArn + " and " + objectsArn + ")");
        }
        if (!r.equals(bucketArn) && !r.equals(objectsArn)) {
          return CheckOutput.fail(p + " allows " + String.join(", ", stActions) + " on " + r
              + ", which is neither bucket " + bucket + " nor its objects");
        }
      }
      for (String a : stActions) {
        String key = a.toLowerCase(Locale.ROOT);
        spelled.putIfAbsent(key, a);
        allowedOn.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(resources);
      }
    }
    List<String> expected = actions.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    for (String a : allowedOn.keySet()) {
      if (!expected.contains(a)) {
        return CheckOutput.fail(p + " also allows " + spelled.get(a)
            + ", which this task does not allow");
      }
    }
    for (String a : actions) {
      Set<String> on = allowedOn.get(a.toLowerCase(Locale.ROOT));
      if (on == null) {
        return CheckOutput.fail(p + " does not allow " + a + ", which this task needs");
      }
      boolean onBucket = S3Actions.onBucket(a);
      String needed = onBucket ? bucketArn : objectsArn;
      if (!on.contains(needed)) {
        return CheckOutput.fail(p + " allows " + a + " only on " + String.join(", ", on)
            + ", so it cannot work: " + a + " acts on "
            + (onBucket ? "the bucket itself" : "objects") + ", " + needed);
      }
    }
    return CheckOutput.pass(p + " allows exactly " + String.join(", ", actions) + " on bucket "
        + bucket);
  }
}
