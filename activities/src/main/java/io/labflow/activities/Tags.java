package io.labflow.activities;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The lab tags every labflow resource carries; the rules themselves are {@link Ownership}'s. */
public final class Tags {

  /** Key of the tag naming the lab that owns a resource. */
  public static final String LAB_TAG = "labflow:lab";

  private Tags() {}

  /** Whether the resource belongs to the lab, for this activity call ({@link Ownership#belongs}). */
  public static <T> boolean owned(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, String labId) {
    return Ownership.belongs(tags, key, value, Ownership.of(labId));
  }

  /** Whether this lab run created the resource, so a create may adopt it. */
  public static <T> boolean createdHere(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, String labId) {
    return Ownership.createdBy(tags, key, value, Ownership.of(labId));
  }

  /** The tags a resource created now for this lab carries, built by {@code tag(key, value)}. */
  public static <T> List<T> forCreate(String labId, BiFunction<String, String, T> tag) {
    List<T> out = new ArrayList<>();
    Ownership.of(labId).tags().forEach((k, v) -> out.add(tag.apply(k, v)));
    return out;
  }
}
