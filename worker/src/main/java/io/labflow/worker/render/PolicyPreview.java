package io.labflow.worker.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy documents a plan shows, built by the activities' own code and pretty-printed. */
final class PolicyPreview {

  /** The inputs a policy document is built from (CreatePolicy's, CreatePolicyVersion's). */
  static final String[] POLICY_INPUTS = {"bucketName", "actions", "resourceWildcard"};

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAN_BUCKET = "labflow-plan-placeholder-bucket";

  private PolicyPreview() {}

  /**
   * The IAM policy document the CreatePolicy activity would send for these inputs; empty when
   * they are not a bucket name and a list of actions.
   */
  static Optional<String> policyDocument(Map<String, Object> createPolicyInput) {
    Object bucket = createPolicyInput.get("bucketName");
    Object actions = createPolicyInput.get("actions");
    if (!(bucket instanceof String b) || !(actions instanceof List<?> list)) {
      return Optional.empty();
    }
    boolean wildcard = Boolean.TRUE.equals(createPolicyInput.get("resourceWildcard"));
    // A bucket known only at run time (a step output) is built with a stand-in name, then shown as
    // the placeholder it stands for.
    boolean placeholder = b.startsWith("<") && b.endsWith(">");
    try {
      String pretty = pretty(PolicyDocuments.forBucket(placeholder ? PLAN_BUCKET : b,
          list.stream().map(String::valueOf).toList(), wildcard));
      return Optional.of(placeholder ? pretty.replace(PLAN_BUCKET, b) : pretty);
    } catch (ApplicationFailure e) {
      return Optional.of("(invalid: " + e.getOriginalMessage() + ")");
    }
  }

  /**
   * The trust policy the CreateRole activity would send; the activity's default service principal
   * when none is given.
   */
  static String trustPolicy(String servicePrincipal, String trustedPrincipalArn) {
    return pretty(PolicyDocuments.trustPolicy(servicePrincipal == null
        ? RoleActivitiesImpl.DEFAULT_SERVICE_PRINCIPAL : servicePrincipal, trustedPrincipalArn));
  }

  private static String pretty(String json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
