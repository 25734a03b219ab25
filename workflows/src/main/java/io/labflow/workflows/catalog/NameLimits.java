package io.labflow.workflows.catalog;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ActionStep;
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
   */
  public static List<String> check(
      Definition definition, ActionCatalog catalog, Map<String, Object> scope) {
    List<String> problems = new ArrayList<>();
    for (ActionStep step : definition.actionSteps()) {
      List<FieldSpec> fields = catalog.find(step.action()).map(ActionSpec::inputs).orElse(List.of());
      for (FieldSpec field : fields) {
        Object template = limited(field, step.with().get(field.name()));
        Object value;
        try {
          value = template == null ? null : Expressions.evaluate(template, scope);
        } catch (ExpressionException notYetKnown) {
          continue;
        }
        Optional<String> problem = value instanceof Number n ? field.limit().problem(n)
            : value instanceof String s && !(s.contains("<") && s.contains(">"))
                ? field.limit().problem(s)
                : Optional.empty();
        problem.ifPresent(p -> problems.add("step '" + step.id() + "' ("
            + step.action() + "): field '" + limitedName(field) + "': " + p));
      }
    }
    return problems;
  }

  /** Why a literal value (no expression) of a field breaks the field's limit, or empty. */
  public static Optional<String> literalProblem(FieldSpec field, Object value) {
    Object v = limited(field, value);
    Optional<String> problem = v instanceof Number n ? field.limit().problem(n)
        : v instanceof String s && !s.contains("${") ? field.limit().problem(s)
            : Optional.empty();
    return problem.map(p -> "field '" + limitedName(field) + "': " + p);
  }

  /** The part of a value its field's limit applies to (a map field's key); null for none. */
  private static Object limited(FieldSpec field, Object value) {
    FieldLimit limit = field.limit();
    return limit == null ? null
        : limit.key() == null ? value
        : value instanceof Map<?, ?> m ? m.get(limit.key()) : null;
  }

  private static String limitedName(FieldSpec field) {
    String key = field.limit().key();
    return key == null ? field.name() : field.name() + "." + key;
  }
}
