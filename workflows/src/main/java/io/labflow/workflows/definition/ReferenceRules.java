package io.labflow.workflows.definition;

import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code ${...}} in a step file may name (parameters, variant keys, lab fields, outputs of
 * earlier steps), and why a reference that names anything else is wrong.
 */
final class ReferenceRules {

  /** Where a reference is written: a step (a branch of {@code group} when not null) or its undo. */
  record Site(RawStep step, RawStep group, boolean compensation) {}

  private final Map<String, ParameterDef> parameters;
  private final Map<String, Map<String, Object>> variants;
  /** The steps a reference may see by id: the checks grow it as they walk the file. */
  final Map<String, RawStep> visible = new LinkedHashMap<>();

  /** Every step id of the file. */
  final Set<String> all = new LinkedHashSet<>();

  ReferenceRules(Map<String, ParameterDef> parameters, Map<String, Map<String, Object>> variants) {
    this.parameters = parameters;
    this.variants = variants;
  }

  /** Why a reference with these parts, written at {@code site}, is wrong; null when it is right. */
  String problem(List<String> parts, Site site) {
    String root = parts.get(0);
    switch (root) {
      case "params" -> {
        if (parts.size() != 2) {
          return "write '${params.NAME}' with exactly one name";
        }
        String name = parts.get(1);
        if (!parameters.containsKey(name)) {
          return "unknown parameter '" + name + "'" + (parameters.isEmpty()
              ? "; the definition declares no parameters"
              : Suggestions.hint(name, parameters.keySet()));
        }
        return null;
      }
      case "variant" -> {
        if (parts.size() < 2) {
          return "write '${variant.KEY}'";
        }
        String key = parts.get(1);
        if (variants.isEmpty()) {
          return "variant key '" + key + "' is used, but no variants are declared";
        }
        List<String> missing = new ArrayList<>();
        Set<String> allKeys = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Object>> v : variants.entrySet()) {
          allKeys.addAll(v.getValue().keySet());
          if (!v.getValue().containsKey(key)) {
            missing.add(v.getKey());
          }
        }
        if (missing.size() == variants.size()) {
          return "unknown variant key '" + key + "'" + Suggestions.hint(key, allKeys);
        }
        if (!missing.isEmpty()) {
          return "variant key '" + key + "' is missing from variant"
              + (missing.size() == 1 ? " '" : "s '") + String.join("', '", missing) + "'"
              + "; every variant must define it";
        }
        return null;
      }
      case "lab" -> {
        if (parts.size() != 2 || !DefinitionKeys.LAB_FIELDS.contains(parts.get(1))) {
          String name = parts.size() > 1 ? parts.get(1) : "";
          return "unknown lab field '" + name + "'"
              + Suggestions.hint(name, DefinitionKeys.LAB_FIELDS);
        }
        return null;
      }
      case "steps" -> {
        return stepProblem(parts, site);
      }
      default -> {
        return "unknown root '" + root + "'" + Suggestions.hint(root, Expressions.ROOTS);
      }
    }
  }

  private String stepProblem(List<String> parts, Site site) {
    RawStep step = site.step();
    RawStep group = site.group();
    if (parts.size() < 3) {
      return "write '${steps.ID.FIELD}'";
    }
    String id = parts.get(1);
    String field = parts.get(2);
    RawStep target;
    if (id.equals(step.id)) {
      if (!site.compensation()) {
        return "step '" + id + "' cannot reference its own outputs (only its compensate can)";
      }
      target = step;
    } else if (group != null && group.branches.stream().anyMatch(b -> id.equals(b.id))) {
      return "step '" + id + "' runs in parallel with this step in group '" + group.id
          + "', so its outputs are not available";
    } else if (group != null && id.equals(group.id)) {
      return "step '" + id + "' is the parallel group this step belongs to";
    } else if (visible.containsKey(id)) {
      target = visible.get(id);
    } else if (all.contains(id)) {
      return "step '" + id + "' is defined later; a step can only reference earlier steps";
    } else {
      return "unknown step '" + id + "'" + Suggestions.hint(id, visible.keySet());
    }
    if (target.parallel) {
      return "step '" + id + "' is a parallel group and has no outputs; reference one of its branches";
    }
    if (target.action == null) {
      return null; // Its unknown action is reported already.
    }
    if (target.action.output(field).isEmpty()) {
      List<String> outputs = target.action.outputs().stream().map(f -> f.name()).toList();
      return "step '" + id + "' (action '" + target.action.name() + "') has no output '" + field
          + "'" + (outputs.isEmpty()
              ? "; the action has no outputs"
              : Suggestions.hint(field, outputs));
    }
    return null;
  }
}
