package io.labflow.worker.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a run would do, computed offline: the steps in order with their evaluated inputs, the
 * resources they create, the IAM policy document of every variant and the trust policy of every
 * role, with anything broader than the definition's own principals flagged. Step outputs that only
 * exist at run time print as {@code <steps.ID.FIELD>}.
 */
public final class LabPlan {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LabPlan() {}

  /**
   * Where the plan's parameter values come from, as the worker would take them: the run's own,
   * then the site's, then the definition's defaults.
   *
   * @param given the parameters the run sets itself
   * @param fromSite the parameters whose value is a site value known to the command line
   * @param site where those site values were read (a sentence's end), or null when the command
   *     line knows none
   */
  public record Sources(Set<String> given, Set<String> fromSite, String site) {

    String of(String parameter) {
      return given.contains(parameter) ? "given with -p"
          : fromSite.contains(parameter) ? "from " + site
          : site == null
              ? "the definition's default, unless the worker's LABFLOW_SITE_PARAMETERS sets it"
          : "the definition's default";
    }
  }

  /**
   * Renders the plan of a run of {@code definition} with the variant and parameters the binder
   * gave, saying where each value comes from and which verification will run.
   */
  public static String render(
      Definition definition, ParameterBinder.BindResult bound, String labId, Sources sources) {
    StringBuilder sb = new StringBuilder();
    String chosen = bound.variant();
    Map<String, Object> params = withPlaceholders(definition, bound);
    sb.append("Definition ").append(definition.name())
        .append(definition.version() == null ? "" : " (version " + definition.version() + ")")
        .append('\n')
        .append(definition.description() == null ? "" : indent(definition.description()) + "\n");
    sb.append("Lab id: ").append(labId).append("   variant: ").append(chosen).append('\n');
    sb.append("Parameters: ").append(params.isEmpty() ? "(none)" : params.toString()).append('\n');
    sb.append(sources.site == null
        ? "  The worker fills in its own site parameters (LABFLOW_SITE_PARAMETERS in its"
            + " environment; none in this shell) for values not given with -p: they override"
            + " the defaults shown.\n"
        : "  From " + sources.site + ": "
            + (sources.fromSite.isEmpty() ? "none of these"
                : String.join(", ", new TreeSet<>(sources.fromSite)))
            + " (the worker applies the site parameters of its own environment).\n");
    for (Verification v : AwsLabPreflight.verifications(labId,
        new ResolvedLab(definition, "plan", chosen, bound.parameters()))) {
      sb.append(verification(v, params, sources)).append('\n');
    }
    sb.append('\n');

    Map<String, Object> scope = scope(definition, chosen, params, labId);
    sb.append("Steps, in order:\n");
    List<String> resources = new ArrayList<>();
    appendSteps(sb, definition.steps(), scope, resources);
    // A switch runs these steps with the variant switched to, not the one the lab started with.
    List<String> switchTo = definition.variants() == null ? List.of(chosen)
        : definition.variants().keySet().stream().filter(v -> !v.equals(chosen)).toList();
    for (String v : definition.onVariantChange().isEmpty() ? List.<String>of() : switchTo) {
      sb.append("\nOn switch-variant to ").append(v).append(":\n");
      appendSteps(sb, definition.onVariantChange(), scope(definition, v, params, labId), null);
    }
    sb.append("\nResources the run creates (all tagged labflow:lab=").append(labId).append("):\n")
        .append(resources.isEmpty() ? "  (none)\n" : "");
    resources.forEach(r -> sb.append("  - ").append(r).append('\n'));
    sb.append(definition.keepAlive() == null ? "\nThe run ends when its steps are done.\n"
        : "\nThe lab stays live for " + Durations.format(definition.keepAlive())
            + ", then tears itself down.\n");

    // Every variant's document from the first step that builds a policy document the variant
    // writes: its inputs read without a variant are not what they are with the chosen one.
    Map<String, Object> noVariant = scope(definition, null, params, labId);
    List<ActionStep> policies = definition.actionSteps().stream()
        .filter(s -> Composition.CATALOG.takes(s.action(), PolicyPreview.POLICY_INPUTS)).toList();
    Optional<ActionStep> byVariant = policies.stream()
        .filter(s -> !evaluateMap(s.with(), noVariant).equals(evaluateMap(s.with(), scope)))
        .findFirst();
    if (definition.variants() != null && !policies.isEmpty()) {
      byVariant.ifPresentOrElse(policy -> definition.variants().keySet().forEach(v -> sb
          .append("\nPolicy document of variant ").append(v)
          .append(v.equals(chosen) ? " (chosen)" : "").append(":\n")
          .append(indent(PolicyPreview.policyDocument(
              evaluateMap(policy.with(), scope(definition, v, params, labId))))).append('\n')),
          () -> sb.append("\nNo step's policy document depends on the variant.\n"));
    }
    sb.append(PolicyPreview.trustSection(definition, scope));
    return sb.toString();
  }

  /** The verification line: the method that will run, on what, and where the method comes from. */
  private static String verification(Verification v, Map<String, Object> params, Sources sources) {
    String role = v.roleName() == null ? "the lab's role" : "role " + v.roleName();
    String how = switch (v.method()) {
      case "simulate" -> "IAM's policy simulator, iam:SimulatePrincipalPolicy on " + role
          + "; changes nothing";
      case "probe" -> "the worker assumes " + role + " and really lists, puts and gets objects in"
          + " the lab bucket" + (v.trustedPrincipalSet() ? ""
              : "; no " + v.trustedPrincipalParameter() + " is set, so the preflight will refuse it");
      default -> "an unknown method";
    };
    return "Verification: " + v.method() + " (" + how + ")" + (v.methodParameter() == null ? ""
        : "; " + v.methodParameter() + "=" + params.get(v.methodParameter()) + " is "
            + sources.of(v.methodParameter())) + ".";
  }

  /**
   * What would stop the run before its first step: derived names over their AWS limits, one
   * sentence each naming the step, the field and the limit.
   */
  public static List<String> problems(
      Definition definition, ParameterBinder.BindResult bound, String labId) {
    return Composition.CATALOG.inputProblems(definition,
        scope(definition, bound.variant(), withPlaceholders(definition, bound), labId));
  }

  /** The steps numbered, a group's branches under it; {@code resources} null: not collected. */
  private static void appendSteps(StringBuilder sb, List<Step> steps, Map<String, Object> scope,
      List<String> resources) {
    for (int i = 0; i < steps.size(); i++) {
      String n = String.format("%2d. ", i + 1);
      if (steps.get(i) instanceof ParallelGroup group) {
        sb.append(n).append(group.id()).append(" (parallel group)\n");
        group.parallel().forEach(branch -> appendLeaf(sb, branch, scope, "      | ", resources));
      } else {
        appendLeaf(sb, (ActionStep) steps.get(i), scope, n, resources);
      }
    }
  }

  private static void appendLeaf(
      StringBuilder sb, ActionStep step, Map<String, Object> scope, String lead,
      List<String> resources) {
    Map<String, Object> with = evaluateMap(step.with(), scope);
    with.remove("labId");
    sb.append(lead).append(step.id()).append(": ").append(step.action()).append(' ')
        .append(json(with, false)).append('\n');
    if (step.compensate() != null) {
      sb.append(" ".repeat(lead.length())).append("undo: ").append(step.compensate().action())
          .append('\n');
    }
    if (resources != null && !LabNeeds.names(step).isEmpty()) {
      resources.add(step.action() + " " + json(with, false) + "  [step " + step.id() + "]");
    }
  }

  /** The bound parameters, a value known only at run time (none bound) as {@code <NAME>}. */
  private static Map<String, Object> withPlaceholders(
      Definition d, ParameterBinder.BindResult bound) {
    Map<String, Object> out = new LinkedHashMap<>();
    d.parameters().keySet().forEach(name -> out.put(name,
        Objects.requireNonNullElse(bound.parameters().get(name), "<" + name + ">")));
    return out;
  }

  private static Map<String, Object> scope(
      Definition d, String variant, Map<String, Object> params, String labId) {
    Map<String, Object> steps = new TreeMap<>();
    for (ActionStep s : d.actionSteps()) {
      Map<String, Object> outputs = new LinkedHashMap<>();
      Composition.CATALOG.find(s.action()).map(ActionSpec::outputs).orElse(List.of())
          .forEach(f -> outputs.put(f.name(), "<steps." + s.id() + "." + f.name() + ">"));
      steps.put(s.id(), outputs);
    }
    return LabScope.of(d, labId, "<run-id>", null, variant, params, steps);
  }

  /** A step's inputs evaluated; an input that reads what the scope lacks stays as written. */
  static Map<String, Object> evaluateMap(Map<String, Object> with, Map<String, Object> scope) {
    Map<String, Object> out = new LinkedHashMap<>();
    with.forEach((k, v) -> out.put(k, Expressions.evaluateIfKnown(v, scope).orElse(v)));
    return out;
  }

  static String json(Object o, boolean indent) {
    try {
      return (indent ? JSON.writerWithDefaultPrettyPrinter() : JSON.writer()).writeValueAsString(o);
    } catch (Exception e) {
      return String.valueOf(o);
    }
  }

  static String indent(String s) {
    return "  " + s.strip().replace("\n", "\n  ");
  }
}
