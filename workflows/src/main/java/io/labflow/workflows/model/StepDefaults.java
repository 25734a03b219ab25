package io.labflow.workflows.model;

import java.time.Duration;

/**
 * What every step inherits unless it says otherwise.
 *
 * @param pauseTimeout how long a paused lab waits for an operator before it rolls back
 */
public record StepDefaults(
    RetrySpec retry,
    Duration timeout,
    Duration scheduleToClose,
    Duration heartbeat,
    OnFailure onFailure,
    Duration pauseTimeout) {

  private static final StepDefaults NONE = new StepDefaults(null, null, null, null, null, null);

  public static StepDefaults orNone(StepDefaults defaults) {
    return defaults == null ? NONE : defaults;
  }
}
