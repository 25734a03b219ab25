package io.labflow.activities;

import java.util.Collection;
import java.util.function.Function;

/** The lab tag every labflow resource carries and the ownership test built on it. */
public final class Tags {

  /** Key of the tag naming the lab that owns a resource. */
  public static final String LAB_TAG = "labflow:lab";

  private Tags() {}

  /** Whether any of the tags is {@code labflow:lab=labId}. */
  public static <T> boolean owned(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, String labId) {
    if (tags == null) {
      return false;
    }
    for (T t : tags) {
      if (LAB_TAG.equals(key.apply(t)) && labId.equals(value.apply(t))) {
        return true;
      }
    }
    return false;
  }
}
