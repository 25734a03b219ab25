package io.labflow.workflows.lab;

/** Where a lab is in its life; also the value of the {@code LabState} search attribute. */
public enum LabState {
  RESOLVING,
  PROVISIONING,
  PAUSED,
  /** Every step is done; the lab waits for a variant switch or a teardown. */
  LIVE,
  SWITCHING,
  ROLLING_BACK,
  TEARING_DOWN,
  /** The steps are done and the definition keeps nothing alive. */
  COMPLETED,
  /** A failure was rolled back; nothing of the lab is left. */
  ROLLED_BACK,
  /** Torn down on request or at the end of its keep-alive. */
  TORN_DOWN,
  /**
   * Failed: either some compensation failed too, so resources may be left (the run ends {@code
   * LabFailed}; see the status), or the request was refused as it resolved, before anything was
   * made (the run ends with the refusal's type, such as {@code InvalidRequest}).
   */
  FAILED;

  /**
   * Whether the lab's last error is its present: it is resolving or paused on it, undoing because
   * of it, or ended by it. In any other state a retry or a skip got past it (or it was asked to
   * tear down), and the error is history.
   */
  public boolean isFailing() {
    return this == RESOLVING || this == PAUSED || this == ROLLING_BACK || this == ROLLED_BACK
        || this == FAILED;
  }

  /** Whether the lab deletes what it created: rolling back a failure, or tearing down. */
  public boolean isUndoing() {
    return this == ROLLING_BACK || this == TEARING_DOWN;
  }

  /**
   * Whether a lab in this state may hold what it created: it made something and has not undone it
   * all (RESOLVING has made nothing; FAILED: an undo may have failed). A run that ends in such a state
   * without its undos (terminated, timed out) leaves its resources.
   */
  public boolean mayHoldResources() {
    return this != RESOLVING && this != COMPLETED && this != ROLLED_BACK && this != TORN_DOWN;
  }

  /** Whether nothing more runs in this state. */
  public boolean isFinal() {
    return this == COMPLETED || this == ROLLED_BACK || this == TORN_DOWN || this == FAILED;
  }
}
