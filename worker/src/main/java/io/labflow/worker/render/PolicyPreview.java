package io.labflow.worker.render;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.Step;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy documents a plan shows, built by the activities' own code and pretty-printed: every
 * variant's permission policy, and who may assume each role a run creates (the steps whose action
 * takes a trust policy's inputs): the trust policy as the CreateRole activity would send it, and a
 * flag on every principal broader than the definition's own (a wildcard, a whole account, a
 * principal from a parameter without {@code format: arn}).
 */
final class PolicyPreview {

  /** The inputs a policy document is built from (CreatePolicy's, CreatePolicyVersion's). */
  static final String[] POLICY_INPUTS = {"bucketName", "actions", "resourceWildcard"};

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

  /** The trust policy section of the plan; empty when no step creates a role. */
  static String trustSection(Definition definition, Map<String, Object> scope) {
    StringBuilder sb = new StringBuilder();
    for (ActionStep step : Step.actions(definition.steps())) {
      if (!Composition.catalog().takes(step.action(), AwsLabPreflight.TRUST)) {
        continue;
      }
      Map<String, Object> input = LabPlan.evaluateMap(step.with(), scope);
      Object service = input.get("servicePrincipal");
      Object principal = input.get("trustedPrincipalArn");
      sb.append("\nTrust policy of the role of step ").append(step.id())
          .append(" (who may assume it):\n");
      // As the CreateRole activity would send it: its default service principal when none is given.
      sb.append(LabPlan.indent(pretty(PolicyDocuments.trustPolicy(
          service instanceof String s ? s : RoleActivitiesImpl.DEFAULT_SERVICE_PRINCIPAL,
          principal instanceof String p && !p.startsWith("<") ? p : null)))).append('\n');
      for (String flag : flags(definition, step, service, principal)) {
        sb.append("  ! ").append(flag).append('\n');
      }
    }
    return sb.toString();
  }

  /** What is broader than the definition's own principals. */
  private static List<String> flags(
      Definition definition, ActionStep step, Object service, Object principal) {
    List<String> flags = new ArrayList<>();
    if (service instanceof String s && !PolicyDocuments.isOneService(s)) {
      flags.add("BROADER: service principal '" + s + "' is not one AWS service");
    }
    if (principal instanceof String p && !p.isBlank() && !p.startsWith("<")) {
      PrincipalArns.problem(p, List.of("role", "user"))
          .ifPresent(problem -> flags.add("BROADER: AWS principal '" + p + "' " + problem));
    }
    Object template = step.with().get("trustedPrincipalArn");
    if (template instanceof String t && !t.isBlank()) {
      try {
        for (Reference ref : Expressions.references(t)) {
          ParameterDef def =
              ref.parameter() == null ? null : definition.parameters().get(ref.parameter());
          if (def != null && !def.isArn()) {
            flags.add("UNCHECKED: trustedPrincipalArn comes from parameter '" + ref.parameter()
                + "', which does not declare format: arn");
          }
        }
      } catch (ExpressionException e) {
        // The loader reports malformed expressions.
      }
    }
    return flags;
  }

  private static String pretty(String json) {
    return LabPlan.json(PolicyDocuments.parse(json), true);
  }
}
