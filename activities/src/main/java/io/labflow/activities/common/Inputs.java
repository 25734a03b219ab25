package io.labflow.activities.common;

import java.util.Collection;

/** Checks of required activity input, failing non-retryably with the field's name. */
public final class Inputs {

  private Inputs() {}

  public static String require(String value, String field, String action) {
    if (value == null || value.isBlank()) {
      throw AwsFailures.invalidInput(action + ": input field '" + field + "' is required");
    }
    return value;
  }

  public static <T extends Collection<?>> T require(T value, String field, String action) {
    if (value == null) {
      throw AwsFailures.invalidInput(action + ": input field '" + field + "' is required");
    }
    return value;
  }

  public static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
