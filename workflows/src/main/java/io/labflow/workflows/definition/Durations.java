package io.labflow.workflows.definition;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration notation: as step files write it ({@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 1m30s}), and the looser form of command-line flags.
 */
public final class Durations {

  /** The accepted form, also used by the JSON Schema. */
  public static final String PATTERN = "^(?=\\d)(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?$";

  /** What a user reads when a duration is wrong. */
  public static final String FORMS =
      "write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s";

  private static final Pattern STEP_FILE = Pattern.compile(PATTERN);

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private static final Map<String, ChronoUnit> UNITS = Map.of("ms", ChronoUnit.MILLIS,
      "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS,
      "d", ChronoUnit.DAYS);

  private Durations() {}

  /** The duration, or empty when the text is not one of the step files' forms. */
  public static Optional<Duration> parse(String text) {
    return text != null && STEP_FILE.matcher(text).matches() ? sum(text) : Optional.empty();
  }

  /**
   * A command-line flag's duration, or empty: the step files' forms and also days ({@code 1d}),
   * units in any order and case, spaces around, and ISO-8601 ({@code PT2H}).
   */
  public static Optional<Duration> parseFlag(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      try {
        return Optional.of(Duration.parse(v.toUpperCase(Locale.ROOT)));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return v.matches("(\\d+(ms|s|m|h|d))+") ? sum(v) : Optional.empty();
  }

  private static Optional<Duration> sum(String parts) {
    try {
      Duration total = Duration.ZERO;
      for (Matcher m = PART.matcher(parts); m.find(); ) {
        total = total.plus(Long.parseLong(m.group(1)), UNITS.get(m.group(2)));
      }
      return Optional.of(total);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The shortest form of a duration in this notation, for messages. */
  public static String format(Duration d) {
    String out = (d.toHours() > 0 ? d.toHours() + "h" : "")
        + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "")
        + (d.toSecondsPart() > 0 ? d.toSecondsPart() + "s" : "");
    return d.toMillisPart() > 0 || out.isEmpty() ? out + d.toMillisPart() + "ms" : out;
  }
}
