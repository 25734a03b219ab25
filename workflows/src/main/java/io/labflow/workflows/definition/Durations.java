package io.labflow.workflows.definition;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in step files: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1m30s}. */
public final class Durations {

  /** The accepted form, also used by the JSON Schema. */
  public static final String PATTERN = "^(?=\\d)(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?$";

  /** What a user reads when a duration is wrong. */
  public static final String FORMS =
      "write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s";

  private static final Pattern FORM =
      Pattern.compile("(?=\\d)(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

  /** The units of {@link #FORM}'s groups, in order. */
  private static final ChronoUnit[] UNITS = {
    ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS, ChronoUnit.MILLIS
  };

  private Durations() {}

  /** The duration, or empty when the text is not one of the accepted forms. */
  public static Optional<Duration> parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.ZERO;
      for (int i = 0; i < UNITS.length; i++) {
        if (m.group(i + 1) != null) {
          d = d.plus(Long.parseLong(m.group(i + 1)), UNITS[i]);
        }
      }
      return Optional.of(d);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The shortest form of a duration in this notation, for messages. */
  public static String format(Duration d) {
    StringBuilder out = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long ms = d.toMillisPart();
    if (h > 0) {
      out.append(h).append('h');
    }
    if (m > 0) {
      out.append(m).append('m');
    }
    if (s > 0) {
      out.append(s).append('s');
    }
    if (ms > 0 || out.length() == 0) {
      out.append(ms).append("ms");
    }
    return out.toString();
  }
}
