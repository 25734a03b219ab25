package io.labflow.workflows.catalog;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ActionStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

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
      for (FieldSpec field : catalog.find(step.action()).map(ActionSpec::inputs).orElse(List.of())) {
        Object value;
        try {
          value = Expressions.evaluate(limited(field, step.with().get(field.name())), scope);
        } catch (ExpressionException notYetKnown) {
          continue;
        }
        problem(field, value, s -> s.contains("<") && s.contains(">")).ifPresent(
            p -> problems.add("step '" + step.id() + "' (" + step.action() + "): " + p));
      }
    }
    return problems;
  }

  /** Why a literal value (no expression) of a field breaks the field's limit, or empty. */
  public static Optional<String> literalProblem(FieldSpec field, Object value) {
    return problem(field, limited(field, value), s -> s.contains("${"));
  }

  /** {@code field 'F': why}, unless the value is not known yet (such as a plan placeholder). */
  private static Optional<String> problem(FieldSpec field, Object v, Predicate<String> unknown) {
    Optional<String> problem = v instanceof Number n ? field.limit().problem(n)
        : v instanceof String s && !unknown.test(s) ? field.limit().problem(s)
        : Optional.empty();
    String key = problem.isEmpty() ? null : field.limit().key();
    return problem.map(p -> "field '" + field.name() + (key == null ? "" : "." + key) + "': " + p);
  }

  /** The part of a value its field's limit applies to (a map field's key); null for none. */
  private static Object limited(FieldSpec field, Object value) {
    FieldLimit limit = field.limit();
    return limit == null ? null
        : limit.key() == null ? value
        : value instanceof Map<?, ?> m ? m.get(limit.key()) : null;
  }
}
