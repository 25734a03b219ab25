package io.labflow.workflows.catalog;

import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.input.InputLimits;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The limits of a name an action creates, as the step library declares them on its input field.
 *
 * @param what what the value is, for messages ("S3 bucket name")
 * @param min the shortest allowed length; for a number, the smallest allowed value
 * @param max the longest allowed length; for a number, the largest allowed value
 * @param pattern a regular expression the whole value must match; null for none
 * @param rule the pattern in words
 * @param key for a map field, the key the limit applies to; null for the field itself
 * @param format {@code arn} when the value must be one IAM role or user ARN (no wildcard); null
 */
public record FieldLimit(
    String what, int min, int max, String pattern, String rule, String key, String format) {

  public Optional<String> problem(Number value) {
    return value.longValue() < min || value.longValue() > max
        ? Optional.of(what + " must be " + min + " to " + max + ", not " + value)
        : Optional.empty();
  }

  public Optional<String> problem(String value) {
    if (value.length() < min || value.length() > max) {
      return Optional.of(what + " " + InputLimits.quote(value) + " is " + value.length()
          + " characters long; the limit is "
          + (min > 1 ? min + " to " + max + " characters" : max + " characters"));
    }
    if ("arn".equals(format)) {
      Optional<String> arn = PrincipalArns.problem(value, null);
      if (arn.isPresent()) {
        return Optional.of(what + " " + InputLimits.quote(value) + " " + arn.get());
      }
    }
    if (pattern != null && !Pattern.compile(pattern).matcher(value).matches()) {
      return Optional.of(what + " " + InputLimits.quote(value) + " must hold only " + rule);
    }
    return Optional.empty();
  }
}
