package io.labflow.workflows.catalog;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the names steps would give AWS against the limits their actions declare, once the names'
 * values are known: by {@code plan} and at the start of a run (the loader checks literal names).
 */
public final class NameLimits {

  private NameLimits() {}

  /**
   * Every name of every step (and {@code onVariantChange} step) that breaks its limit, one
   * sentence each naming the step, the field and the limit. A value that cannot be evaluated yet
   * (it reads a step's output) or still holds a plan placeholder ({@code <...>}) is not checked.
   *
   * @param scope the expression scope: {@code params}, {@code variant}, {@code lab}, {@code steps}
   */
  public static List<String> check(Definition definition, ActionCatalog catalog, Map<String, Object> scope) {
    List<String> problems = new ArrayList<>();
    check(definition.steps(), catalog, scope, problems);
    if (definition.onVariantChange() != null) {
      check(definition.onVariantChange(), catalog, scope, problems);
    }
    return problems;
  }

  /** Why a literal value (no expression) of a field breaks the field's limit, or empty. */
  public static Optional<String> literalProblem(FieldSpec field, Object value) {
    FieldLimit limit = field.limit();
    if (limit == null) {
      return Optional.empty();
    }
    Object v = value;
    String name = field.name();
    if (limit.key() != null) {
      v = value instanceof Map<?, ?> m ? m.get(limit.key()) : null;
      name = name + "." + limit.key();
    }
    String fieldName = name;
    if (v instanceof Number n) {
      return limit.problem(n).map(p -> "field '" + fieldName + "': " + p);
    }
    if (!(v instanceof String s) || s.contains("${")) {
      return Optional.empty();
    }
    return limit.problem(s).map(p -> "field '" + fieldName + "': " + p);
  }

  private static void check(
      List<Step> steps, ActionCatalog catalog, Map<String, Object> scope, List<String> problems) {
    for (ActionStep step : Step.actions(steps)) {
      Optional<ActionSpec> spec = catalog.find(step.action());
      if (spec.isEmpty()) {
        continue;
      }
      for (FieldSpec field : spec.get().inputs()) {
        FieldLimit limit = field.limit();
        Object template = step.with().get(field.name());
        if (limit == null || template == null) {
          continue;
        }
        String name = field.name();
        if (limit.key() != null) {
          template = template instanceof Map<?, ?> m ? m.get(limit.key()) : null;
          name = name + "." + limit.key();
          if (template == null) {
            continue;
          }
        }
        Object value;
        try {
          value = Expressions.evaluate(template, scope);
        } catch (ExpressionException notYetKnown) {
          continue;
        }
        Optional<String> problem = value instanceof Number n ? limit.problem(n)
            : value instanceof String s && !(s.contains("<") && s.contains(">"))
                ? limit.problem(s)
                : Optional.empty();
        String fieldName = name;
        problem.ifPresent(p -> problems.add(
            "step '" + step.id() + "' (" + step.action() + "): field '" + fieldName + "': " + p));
      }
    }
  }
}
