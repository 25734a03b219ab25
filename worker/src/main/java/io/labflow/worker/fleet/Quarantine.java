package io.labflow.worker.fleet;

import io.labflow.workflows.lab.FailureTypes;

/**
 * The quarantine rule, in one place: after {@code quarantineAfter} failed nights in a row (or one
 * reset that left tagged resources behind) a lab is left alone until a person releases it.
 */
public final class Quarantine {

  private Quarantine() {}

  /** Failures so far and quarantine time, after applying a release written after the quarantine. */
  public record Standing(int consecutiveFailures, Long quarantinedAt) {
    public boolean quarantined() {
      return quarantinedAt != null;
    }
  }

  /** The standing of a lab after the night {@code previous} and a release at {@code releasedAt}. */
  public static Standing before(LabReport previous, Long releasedAt) {
    boolean released = previous != null && previous.quarantined() && releasedAt != null
        && releasedAt >= previous.quarantinedAt();
    return previous == null || released ? new Standing(0, null)
        : new Standing(previous.consecutiveFailures(), previous.quarantinedAt());
  }

  static Standing afterFailure(Standing before, String failureType, int quarantineAfter, long now) {
    int failures = before.consecutiveFailures() + 1;
    boolean quarantine = failures >= quarantineAfter || FailureTypes.RESET_INCOMPLETE.equals(failureType);
    return new Standing(failures, quarantine ? Long.valueOf(now) : null);
  }
}
