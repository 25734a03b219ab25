package io.labflow.workflows.model;

import java.time.Duration;
import java.util.List;

/**
 * A retry policy. As written in a step file, null fields inherit from the definition's defaults;
 * in a resolved step, {@code maximumAttempts} and {@code nonRetryable} are set and a null interval
 * or coefficient means Temporal's own default, and 0 attempts means unlimited.
 */
public record RetrySpec(
    Duration initialInterval,
    Double backoffCoefficient,
    Duration maximumInterval,
    Integer maximumAttempts,
    List<String> nonRetryable) {

  private static final RetrySpec NONE = new RetrySpec(null, null, null, null, null);

  public static RetrySpec orNone(RetrySpec spec) {
    return spec == null ? NONE : spec;
  }

  /**
   * This policy over {@code base}, field by field (this one's value wins): the one retry merge,
   * used by the loader for the defaults and by every step and undo.
   */
  public RetrySpec over(RetrySpec base) {
    RetrySpec b = orNone(base);
    return new RetrySpec(
        ActionStep.first(initialInterval, b.initialInterval()),
        ActionStep.first(backoffCoefficient, b.backoffCoefficient()),
        ActionStep.first(maximumInterval, b.maximumInterval()),
        ActionStep.first(maximumAttempts, b.maximumAttempts()),
        ActionStep.first(nonRetryable, b.nonRetryable()));
  }
}
