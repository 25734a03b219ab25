package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.FieldSpec;
import java.util.List;

/**
 * Whether a literal written in a step file fits the type it is given to: a parameter's default, a
 * {@code with} field of an action. The reader's one place for value types.
 */
final class LiteralTypes {

  private LiteralTypes() {}

  /** Why a parameter's written default does not fit the parameter's type, or null when it fits. */
  static String parameterMismatch(String type, Object value) {
    return ParameterBinder.typeProblem(type, value);
  }

  /**
   * Why a value does not fit an action's field type, or null when it fits. Strings that evaluate to
   * a typed value (exactly one {@code ${...}}) are not checked here.
   */
  static String typeMismatch(FieldSpec field, Object value) {
    String type = field.type();
    boolean fits =
        switch (type) {
          case "string" -> value instanceof String;
          case "integer" -> value instanceof Integer || value instanceof Long;
          case "number" -> value instanceof Number;
          case "boolean" -> value instanceof Boolean;
          case "list" -> value instanceof List;
          case "map", "object" -> value instanceof java.util.Map;
          default -> true;
        };
    return fits ? null : "must be " + article(type) + ", got " + describe(value);
  }

  static String article(String type) {
    return switch (type) {
      case "integer" -> "an integer";
      case "object", "map" -> "a mapping";
      default -> "a " + type;
    };
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Integer || value instanceof Long) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof java.util.Map) {
      return "a mapping";
    }
    return value.getClass().getSimpleName();
  }
}
