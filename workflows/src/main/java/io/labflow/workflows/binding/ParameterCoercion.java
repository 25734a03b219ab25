package io.labflow.workflows.binding;

import io.labflow.workflows.definition.ValueTypes;
import io.labflow.workflows.input.InputLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a run's parameter value becomes a value of the declared type. A command line and a Schedule
 * give only strings, the Web UI gives JSON; both end here, so {@code -p strict=yes} and {@code
 * {"strict":"yes"}} and {@code {"strict":true}} bind alike. The rules (docs/parameters.md):
 *
 * <ul>
 *   <li>{@code integer}: an integer, a whole JSON number such as {@code 5.0}, or a string of at
 *       most 18 digits with an optional sign, spaces around ignored. Integer when it fits, else
 *       Long.
 *   <li>{@code boolean}: a boolean, or one of the strings {@code true}, {@code false}, {@code yes},
 *       {@code no} in any case, spaces around ignored.
 *   <li>{@code list}: a list as given, or a string of comma-separated items, each trimmed; an empty
 *       string is the empty list, an empty item is an error.
 *   <li>{@code string}: a string, as given. Numbers and booleans are not strings.
 * </ul>
 */
final class ParameterCoercion {

  /** The words that mean true and false. */
  static final List<String> TRUE = List.of("true", "yes");

  static final List<String> FALSE = List.of("false", "no");

  /** A coerced value, or why there is none. */
  record Coerced(Object value, String problem) {
    static Coerced ok(Object value) {
      return new Coerced(value, null);
    }
  }

  private ParameterCoercion() {}

  /** The value as the type, or a problem such as {@code must be an integer, got a string 'x'}. */
  static Coerced coerce(String type, Object value) {
    return switch (type) {
      case "integer" -> integer(value);
      case "boolean" -> bool(value);
      case "list" -> list(value);
      default -> checked(type, value);
    };
  }

  private static Coerced integer(Object value) {
    if (value instanceof String s && s.trim().matches("[-+]?[0-9]{1,18}")) {
      return Coerced.ok(narrow(Long.parseLong(s.trim())));
    }
    if (value instanceof Integer || value instanceof Long) {
      return Coerced.ok(narrow(((Number) value).longValue()));
    }
    if ((value instanceof Double || value instanceof Float)
        && ((Number) value).doubleValue() == Math.rint(((Number) value).doubleValue())
        && Math.abs(((Number) value).doubleValue()) < 1e18) {
      return Coerced.ok(narrow(((Number) value).longValue()));
    }
    return checked("integer", value);
  }

  private static Object narrow(long l) {
    return l == (int) l ? (Object) (int) l : (Object) l;
  }

  private static Coerced bool(Object value) {
    if (value instanceof String s) {
      String word = s.trim().toLowerCase(Locale.ROOT);
      if (TRUE.contains(word)) {
        return Coerced.ok(Boolean.TRUE);
      }
      if (FALSE.contains(word)) {
        return Coerced.ok(Boolean.FALSE);
      }
      return new Coerced(
          null,
          ValueTypes.problemShowingValue("boolean", value) + " (true, false, yes or no)");
    }
    return checked("boolean", value);
  }

  private static Coerced list(Object value) {
    if (!(value instanceof String s)) {
      return checked("list", value);
    }
    if (s.isBlank()) {
      return Coerced.ok(List.of());
    }
    List<String> items = new ArrayList<>();
    for (String item : s.split(",", -1)) {
      if (item.isBlank()) {
        return new Coerced(null, "must be a list of comma-separated items, got "
            + InputLimits.quote(s) + " with an empty item " + (items.size() + 1));
      }
      items.add(item.trim());
    }
    return Coerced.ok(List.copyOf(items));
  }

  private static Coerced checked(String type, Object value) {
    String problem = ValueTypes.problemShowingValue(type, value);
    return problem == null ? Coerced.ok(value) : new Coerced(null, problem);
  }
}
