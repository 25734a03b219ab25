package io.labflow.activities.learner;

import com.fasterxml.jackson.databind.JsonNode;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** Reads a role's trust policy: does it let exactly one service assume the role? */
final class CheckTrust {

  /** An account as an AWS principal: its id, or its root ARN. */
  private static final Pattern ACCOUNT =
      Pattern.compile("[0-9]{12}|arn:[a-z-]+:iam::[0-9]{12}:root");

  private CheckTrust() {}

  /** The check's answer for this trust policy of {@code role}, which only {@code service} may assume. */
  static CheckOutput read(JsonNode trust, String role, String service) {
    String only = " assume " + role + "; only " + service + " may";
    List<JsonNode> statements = statements(trust);
    boolean serviceMayAssume = false;
    for (JsonNode st : statements) {
      if (!"Allow".equals(st.path("Effect").asText())) {
        continue;
      }
      if (st.has("NotPrincipal")) {
        return CheckOutput.fail("the trust policy uses NotPrincipal, which lets almost anyone" + only);
      }
      JsonNode principal = st.path("Principal");
      if (principal.isTextual()) {
        return CheckOutput.fail("the trust policy lets anyone (Principal \"*\")" + only);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = principal.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        for (String p : strings(e.getValue())) {
          String type = e.getKey();
          if (p.equals("*")) {
            return CheckOutput.fail(
                "the trust policy lets any " + type + " principal (\"*\")" + only);
          }
          if (type.equals("Service") && p.equalsIgnoreCase(service)) {
            serviceMayAssume |= allowsAssumeRole(st);
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

  private static boolean allowsAssumeRole(JsonNode st) {
    return strings(st.path("Action")).stream().anyMatch(a -> a.equals("*")
        || a.equalsIgnoreCase("sts:*") || a.equalsIgnoreCase("sts:AssumeRole"));
  }

  /** A policy's statements: {@code Statement} is one object or an array of them. */
  static List<JsonNode> statements(JsonNode policy) {
    JsonNode s = policy.path("Statement");
    return s.isArray() ? StreamSupport.stream(s.spliterator(), false).toList()
        : s.isObject() ? List.of(s) : List.of();
  }

  /** A policy element that is one string or an array of strings. */
  static List<String> strings(JsonNode n) {
    return n.isArray() ? StreamSupport.stream(n.spliterator(), false).map(JsonNode::asText).toList()
        : n.isTextual() ? List.of(n.asText()) : List.of();
  }
}
