package io.labflow.activities.common;

import io.labflow.workflows.catalog.ActionCatalog;
import java.lang.reflect.RecordComponent;

/**
 * Checks of required activity input, failing non-retryably with the field's name: every action's
 * input is checked once, by {@link AwsFailures#around}, so no action checks its own.
 */
public final class Inputs {

  private Inputs() {}

  /** Refuses an input whose required field ({@link ActionCatalog#required}) is null or blank. */
  static void requireFields(String action, Record input) throws ReflectiveOperationException {
    for (RecordComponent field : input.getClass().getRecordComponents()) {
      if (ActionCatalog.required(field)) {
        require(field.getAccessor().invoke(input), field.getName(), action);
      }
    }
  }

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
