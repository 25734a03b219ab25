package io.labflow.worker.render;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan's view of who may assume each role a run creates (the steps whose action takes a
 * trust policy's inputs): the trust policy as the CreateRole activity would send it, and a flag
 * on every principal broader than the definition's own (a wildcard, a whole account, a principal
 * from a parameter without {@code format: arn}).
 */
final class TrustPlan {

  private TrustPlan() {}

  /** The trust policy section of the plan; empty when no step creates a role. */
  static String section(Definition definition, Map<String, Object> scope) {
    StringBuilder sb = new StringBuilder();
    for (ActionStep step : Step.actions(definition.steps())) {
      if (!AwsLabPreflight.takes(step, AwsLabPreflight.TRUST)) {
        continue;
      }
      Map<String, Object> input = LabPlan.evaluateMap(step.with(), scope);
      Object service = input.get("servicePrincipal");
      Object principal = input.get("trustedPrincipalArn");
      sb.append("\nTrust policy of the role of step ").append(step.id())
          .append(" (who may assume it):\n");
      sb.append("  ").append(PolicyPreview.trustPolicy(
          service instanceof String s ? s : null,
          principal instanceof String p && !p.startsWith("<") ? p : null)
          .strip().replace("\n", "\n  ")).append('\n');
      for (String flag : flags(definition, step, service, principal)) {
        sb.append("  ! ").append(flag).append('\n');
      }
    }
    return sb.toString();
  }

  /** What is broader than the definition's own principals. */
  static List<String> flags(
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
}
