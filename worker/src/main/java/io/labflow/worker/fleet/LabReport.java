package io.labflow.worker.fleet;

/**
 * What happened to one lab in one night, and what the next night needs to know.
 *
 * @param outcome what the night did with it
 * @param durationMs how long the reset took (0 when it did not run)
 * @param step the step that failed, when known
 * @param error why the reset failed, or why the lab was skipped
 * @param consecutiveFailures failed nights in a row, this one included
 * @param quarantinedAt when the lab went into quarantine (epoch ms), or null when it is not in
 *     quarantine
 */
public record LabReport(
    String labId,
    Outcome outcome,
    long durationMs,
    String step,
    String error,
    int consecutiveFailures,
    Long quarantinedAt) {

  /** The closed set of what a night does with a lab. */
  public enum Outcome {
    OK,
    FAILED,
    /** Left alone: quarantined on an earlier night and not released. */
    QUARANTINED,
    /** Left alone: another reset of the lab was already running. */
    SKIPPED,
    /**
     * Left alone: the AWS account's quotas do not fit it tonight (the labs before it in the fleet
     * took what was left). Not a failure: it does not count toward quarantine.
     */
    OVER_QUOTA,
    /** Being reset now (only in a running night's report). */
    RUNNING
  }

  public boolean quarantined() {
    return quarantinedAt != null;
  }
}
