package io.labflow.worker.fleet;

import io.labflow.workflows.lab.FailureTypes;

/**
 * A lab's standing toward quarantine, and the quarantine rule in one place: after {@code
 * quarantineAfter} failed nights in a row (or one reset that left tagged resources behind) a lab is
 * left alone until a person releases it.
 *
 * @param consecutiveFailures failed nights in a row so far
 * @param quarantinedAt when the lab went into quarantine (epoch ms), or null when it is not in
 *     quarantine (or a release written after the quarantine lifted it)
 */
public record Quarantine(int consecutiveFailures, Long quarantinedAt) {

  public boolean quarantined() {
    return quarantinedAt != null;
  }

  /** The standing of a lab after the night {@code previous} and a release at {@code releasedAt}. */
  public static Quarantine before(LabReport previous, Long releasedAt) {
    boolean released = previous != null && previous.quarantined() && releasedAt != null
        && releasedAt >= previous.quarantinedAt();
    return previous == null || released ? new Quarantine(0, null)
        : new Quarantine(previous.consecutiveFailures(), previous.quarantinedAt());
  }

  Quarantine afterFailure(String failureType, int quarantineAfter, long now) {
    int failures = consecutiveFailures + 1;
    boolean quarantine = failures >= quarantineAfter || FailureTypes.RESET_INCOMPLETE.equals(failureType);
    return new Quarantine(failures, quarantine ? Long.valueOf(now) : null);
  }
}
