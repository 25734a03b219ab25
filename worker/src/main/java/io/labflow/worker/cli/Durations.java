package io.labflow.worker.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
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

  private static final Map<String, ChronoUnit> UNITS = Map.of("ms", ChronoUnit.MILLIS,
      "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS, "d", ChronoUnit.DAYS);

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.matches("(\\d+(ms|s|m|h|d))+")) {
        Duration total = Duration.ZERO;
        for (Matcher m = PART.matcher(v); m.find(); ) {
          total = total.plus(Long.parseLong(m.group(1)), UNITS.get(m.group(2)));
        }
        return total;
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      // Told below, as any other text that is not a duration.
    }
    throw wrong(value);
  }

  private static TypeConversionException wrong(String value) {
    return new TypeConversionException("'" + value + "' is not a duration: write e.g. 90s, 10m, 2h,"
        + " 1h30m or PT2H");
  }
}
