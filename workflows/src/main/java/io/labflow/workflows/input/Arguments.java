package io.labflow.workflows.input;

import io.labflow.workflows.definition.Suggestions;
import io.labflow.workflows.lab.Decision;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads the arguments of the lab's updates and signals from raw JSON values, so that a wrong
 * argument is rejected by the update's validator (or ignored by the signal) with a sentence, and
 * never fails a workflow task.
 */
public final class Arguments {

  private static final List<String> DECISIONS =
      Arrays.stream(Decision.values()).map(Enum::name).toList();

  private Arguments() {}

  /**
   * An operator's decision: {@code RETRY}, {@code SKIP} or {@code ROLLBACK}, in any case.
   *
   * @throws IllegalArgumentException naming what is allowed
   */
  public static Decision decision(Object raw) {
    if (raw == null) {
      throw new IllegalArgumentException(
          "a decision is required: " + String.join(", ", DECISIONS));
    }
    if (!(raw instanceof String s)) {
      throw new IllegalArgumentException(
          "the decision must be a string, one of "
              + String.join(", ", DECISIONS)
              + ", got "
              + InputLimits.describe(raw));
    }
    String upper = s.trim().toUpperCase(Locale.ROOT);
    if (!DECISIONS.contains(upper)) {
      throw new IllegalArgumentException(
          "unknown decision "
              + InputLimits.quote(s)
              + Suggestions.closest(upper, DECISIONS).map(c -> "; did you mean '" + c + "'?").orElse("")
              + " (allowed: "
              + String.join(", ", DECISIONS)
              + ")");
    }
    return Decision.valueOf(upper);
  }

  /**
   * A variant's name.
   *
   * @throws IllegalArgumentException when it is not a short string
   */
  public static String variant(Object raw) {
    if (!(raw instanceof String s)) {
      throw new IllegalArgumentException(
          "the variant must be a string (a variant's name), got " + InputLimits.describe(raw));
    }
    if (s.length() > InputLimits.MAX_NAME_CHARS) {
      throw new IllegalArgumentException(
          "the variant name is " + s.length() + " characters long; no variant is that long");
    }
    return s;
  }
}
