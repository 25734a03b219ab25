package io.labflow.workflows.catalog;

import java.util.List;
import java.util.Optional;

/**
 * One input or output field of an action.
 *
 * @param name the field name as written in a step's {@code with}
 * @param type a JSON-ish type name: string, integer, number, boolean, list, map or object
 * @param required whether a step must give it
 * @param limit the limits of the name this field gives AWS; null when none
 * @param opposite the list input this list says the opposite of (what must be denied against
 *     what must be allowed); null when none
 */
public record FieldSpec(
    String name, String type, boolean required, FieldLimit limit, String opposite) {

  /**
   * Why this field's value and its {@link #opposite}'s cannot both hold: an item in both, or both
   * empty; empty when they can, or when either is not a list (not known yet, or reported as the
   * wrong type).
   */
  public Optional<String> oppositeProblem(Object value, Object oppositeValue) {
    if (opposite == null || !(value instanceof List<?> mine)
        || !(oppositeValue instanceof List<?> theirs)) {
      return Optional.empty();
    }
    if (mine.isEmpty() && theirs.isEmpty()) {
      return Optional.of("'" + opposite + "' and '" + name + "' are both empty: nothing to check");
    }
    return mine.stream().filter(theirs::contains).findFirst()
        .map(both -> "'" + both + "' is in both '" + opposite + "' and '" + name + "'");
  }
}
