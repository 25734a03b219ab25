package io.labflow.activities.common;

/** Reading activity input: blank is absent. */
public final class Inputs {

  private Inputs() {}

  /** The value; fails non-retryably with the field's name when it is null or blank. */
  public static <T> T require(T value, String field, String action) {
    if (value == null || value instanceof String s && s.isBlank()) {
      throw AwsFailures.invalidInput(action + ": input field '" + field + "' is required");
    }
    return value;
  }

  public static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
