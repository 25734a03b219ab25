package io.labflow.workflows.input;

import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.yaml.Suggestions;
import io.temporal.common.converter.RawValue;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the arguments of the lab's updates and signals from raw JSON values, so that a wrong
 * argument is rejected by the update's validator (or ignored by the signal) with a sentence (an
 * IllegalArgumentException), and never fails a workflow task.
 */
public final class Arguments {

  private static final List<String> DECISIONS =
      Arrays.stream(Decision.values()).map(Enum::name).toList();

  private Arguments() {}

  /** A duration as step files write it ({@code "2h"}, {@code "30m"}), longer than zero. */
  public static Duration duration(RawValue raw) {
    Object value = RawJson.read(raw, "the duration", InputLimits.MAX_ARGUMENT_BYTES);
    Optional<Duration> d = value instanceof String s && s.length() <= InputLimits.MAX_NAME_CHARS
        ? Durations.parse(s) : Optional.empty();
    if (d.isEmpty() || d.get().isZero()) {
      throw new IllegalArgumentException("the duration must be a string such as \"30m\" or \"2h\""
          + " (longer than zero), got " + shown(value));
    }
    return d.get();
  }

  /** Nothing: the update or signal {@code name} takes no input (JSON null counts as none). */
  public static void none(RawValue raw, String name) {
    if (RawJson.isAbsent(raw)) {
      return;
    }
    String got;
    try {
      got = shown(RawJson.read(raw, "the input", InputLimits.MAX_ARGUMENT_BYTES));
    } catch (IllegalArgumentException unreadable) {
      got = "an input that cannot be read (" + unreadable.getMessage() + ")";
    }
    throw new IllegalArgumentException(
        name + " takes no input, got " + got + "; send it with no input");
  }

  /** What a value is, a string's text quoted after its kind ({@code a string 'x'}). */
  private static String shown(Object value) {
    return InputLimits.describe(value)
        + (value instanceof String s ? " " + InputLimits.quote(s) : "");
  }

  /** An operator's decision: {@code RETRY}, {@code SKIP} or {@code ROLLBACK}, in any case. */
  public static Decision decision(RawValue argument) {
    Object raw = RawJson.read(argument, "the decision", InputLimits.MAX_ARGUMENT_BYTES);
    String allowed = String.join(", ", DECISIONS);
    if (raw == null) {
      throw new IllegalArgumentException("a decision is required: " + allowed);
    }
    if (!(raw instanceof String s)) {
      throw new IllegalArgumentException("the decision must be a string, one of " + allowed
          + ", got " + InputLimits.describe(raw));
    }
    String upper = s.trim().toUpperCase(Locale.ROOT);
    if (!DECISIONS.contains(upper)) {
      throw new IllegalArgumentException("unknown decision " + InputLimits.quote(s)
          + Suggestions.didYouMean(upper, DECISIONS) + " (allowed: " + allowed + ")");
    }
    return Decision.valueOf(upper);
  }

  public static String variant(RawValue argument) {
    Object raw = RawJson.read(argument, "the variant", InputLimits.MAX_ARGUMENT_BYTES);
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
