package io.labflow.workflows.definition;

import java.time.Duration;
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
      Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

  private Durations() {}

  /** The duration, or empty when the text is not one of the accepted forms. */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty() || !Character.isDigit(text.charAt(0))) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.ZERO;
      if (m.group(1) != null) {
        d = d.plusHours(Long.parseLong(m.group(1)));
      }
      if (m.group(2) != null) {
        d = d.plusMinutes(Long.parseLong(m.group(2)));
      }
      if (m.group(3) != null) {
        d = d.plusSeconds(Long.parseLong(m.group(3)));
      }
      if (m.group(4) != null) {
        d = d.plusMillis(Long.parseLong(m.group(4)));
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
