package io.labflow.worker.reset;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/**
 * The failure a reset or a fleet night ends with when one of its activities failed: the
 * activity's own sentence and type at the top (not Temporal's "Activity task failed"), with the
 * activity failure kept as the cause for its details.
 */
public final class OwnSentence {

  private OwnSentence() {}

  /** The innermost application failure's message and type, non-retryable; else the failure. */
  public static TemporalFailure of(ActivityFailure failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (!(root instanceof ApplicationFailure own)) {
      return failure;
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        own.getOriginalMessage(), own.getType(), failure);
  }
}
