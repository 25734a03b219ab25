package io.labflow.worker.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one duration syntax of every flag: a number and a unit ({@code 90s}, {@code 10m}, {@code
 * 2h}, {@code 1d}), units combined ({@code 1h30m}), or ISO-8601 ({@code PT2H}).
 */
final class Durations implements ITypeConverter<Duration> {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw wrong(value);
      }
    }
    Matcher m = PART.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw wrong(value);
    }
    return total;
  }

  private static TypeConversionException wrong(String value) {
    return new TypeConversionException("'" + value + "' is not a duration: write e.g. 90s, 10m, 2h,"
        + " 1h30m or PT2H");
  }
}
