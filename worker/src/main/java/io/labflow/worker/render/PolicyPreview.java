package io.labflow.worker.render;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;

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
   * The IAM policy document the CreatePolicy activity would send for these inputs; when they are
   * not a bucket name and a list of actions, the inputs.
   */
  static String policyDocument(Map<String, Object> input) {
    if (!(input.get("bucketName") instanceof String b
        && input.get("actions") instanceof List<?> l)) {
      return "(policy builder unavailable) inputs: " + LabPlan.json(input, true);
    }
    // A bucket known only at run time (a step output) is built with a stand-in name, then shown as
    // the placeholder it stands for.
    boolean placeholder = b.startsWith("<") && b.endsWith(">");
    try {
      return pretty(PolicyDocuments.forBucket(placeholder ? PLAN_BUCKET : b,
          l.stream().map(String::valueOf).toList(),
          Boolean.TRUE.equals(input.get("resourceWildcard")))).replace(PLAN_BUCKET, b);
    } catch (ApplicationFailure e) {
      return "(invalid: " + e.getOriginalMessage() + ")";
    }
  }

  /**
   * The trust policy section of the plan: every step the worker may run that creates a role (a
   * learner task's solve too); empty when none does.
   */
  static String trustSection(Definition definition, Map<String, Object> scope) {
    StringBuilder sb = new StringBuilder();
    for (ActionStep step : definition.runnableSteps()) {
      if (!Composition.CATALOG.takes(step.action(), AwsLabPreflight.TRUST)) {
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
      if (service instanceof String s && !PolicyDocuments.isOneService(s)) {
        sb.append("  ! BROADER: service principal '").append(s)
            .append("' is not one AWS service\n");
      }
      if (principal instanceof String p && !p.isBlank() && !p.startsWith("<")) {
        PrincipalArns.problem(p, List.of("role", "user")).ifPresent(problem -> sb
            .append("  ! BROADER: AWS principal '").append(p).append("' ").append(problem)
            .append('\n'));
      }
      if (step.with().get("trustedPrincipalArn") instanceof String t) {
        for (Reference ref : Expressions.references(t)) {
          ParameterDef def =
              ref.parameter() == null ? null : definition.parameters().get(ref.parameter());
          if (def != null && !def.isArn()) {
            sb.append("  ! UNCHECKED: trustedPrincipalArn comes from parameter '")
                .append(ref.parameter()).append("', which does not declare format: arn\n");
          }
        }
      }
    }
    return sb.toString();
  }

  private static String pretty(String json) {
    return LabPlan.json(PolicyDocuments.parse(json), true);
  }
}
