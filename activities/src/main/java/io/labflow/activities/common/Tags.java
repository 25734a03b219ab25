package io.labflow.activities.common;

import io.labflow.workflows.lab.FailureTypes;
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

  /**
   * Fails {@code NotOwned} unless this lab run created the resource: a create adopts only what its
   * own run made ({@link Ownership#createdBy}).
   */
  public static <T> void requireCreatedHere(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, String what,
      String labId) {
    if (!createdHere(tags, key, value, labId)) {
      String carried = Ownership.labflowTags(tags, key, value);
      throw AwsFailures.nonRetryable(
          what
              + " exists but was not created by this run of lab "
              + labId
              + (carried.isEmpty()
                  ? " (it carries no labflow tags)"
                  : " (its labflow tags are " + carried + ")")
              + "; labflow does not adopt it",
          FailureTypes.NOT_OWNED);
    }
  }

  /** The tags a resource created now for this lab carries, built by {@code tag(key, value)}. */
  public static <T> List<T> forCreate(String labId, BiFunction<String, String, T> tag) {
    List<T> out = new ArrayList<>();
    Ownership.of(labId).tags().forEach((k, v) -> out.add(tag.apply(k, v)));
    return out;
  }
}
