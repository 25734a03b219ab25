package io.labflow.workflows.definition;

import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.model.ParameterDef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The value types of the definition language, checked in one place: a parameter's default and a
 * run's parameter values (by {@code ParameterBinder}), and the literal values of an action's
 * {@code with} fields (by the definition reader). Values are plain Java values as YAML or JSON
 * give them: strings, integers ({@code Integer} or {@code Long}), other numbers, booleans, lists
 * and maps.
 */
public final class ValueTypes {

  private ValueTypes() {}

  /**
   * Whether a value has a type. A type this class does not know (an action field of a custom Java
   * type) accepts any value; a null value fits nothing.
   *
   * @param type {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code list},
   *     {@code map} or {@code object}
   */
  public static boolean fits(String type, Object value) {
    return switch (type) {
      case "string" -> value instanceof String;
      case "integer" -> value instanceof Integer || value instanceof Long;
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "list" -> value instanceof List;
      case "map", "object" -> value instanceof Map;
      default -> value != null;
    };
  }

  /**
   * Why a value does not have a type, such as {@code must be an integer, got a string}, or null
   * when it has it (or is null: whether null is allowed is the caller's rule).
   */
  public static String problem(String type, Object value) {
    if (value == null || fits(type, value)) {
      return null;
    }
    return "must be " + article(type) + ", got " + describe(value);
  }

  /**
   * As {@link #problem}, with a string value quoted after its kind ({@code got a string 'many'}),
   * for values a person typed.
   */
  public static String problemShowingValue(String type, Object value) {
    String problem = problem(type, value);
    return problem != null && value instanceof String s
        ? problem + " " + InputLimits.quote(s)
        : problem;
  }

  /**
   * Why a value of a parameter's type (a run's, or its default) is refused by the parameter's
   * {@code pattern} or {@code format}, the value quoted; empty when it is not. An integer is
   * matched as its decimal text (a pattern such as [1-9][0-9]* refuses zero and negative numbers).
   */
  public static Optional<String> refusal(ParameterDef def, Object value) {
    String text = String.valueOf(value);
    if (def.pattern() != null
        && (value instanceof String || value instanceof Number)
        && !Pattern.compile(def.pattern()).matcher(text).matches()) {
      return Optional.of(
          InputLimits.quote(text) + " does not match pattern '" + def.pattern() + "'");
    }
    return value instanceof String s && def.isArn()
        ? PrincipalArns.problem(s, def.arnTypes()).map(p -> InputLimits.quote(s) + " " + p)
        : Optional.empty();
  }

  /** A type's name with its article, for messages: {@code an integer}, {@code a mapping}. */
  public static String article(String type) {
    return switch (type) {
      case "integer" -> "an integer";
      case "object", "map" -> "a mapping";
      default -> "a " + type;
    };
  }

  /** What a value is, for messages: {@code a string}, {@code an integer}, {@code null}. */
  public static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    for (String type : List.of("string", "integer", "number", "boolean", "list", "map")) {
      if (fits(type, value)) {
        return article(type);
      }
    }
    return value.getClass().getSimpleName();
  }
}
