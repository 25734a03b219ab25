package io.labflow.workflows.model;

import java.time.Duration;

/**
 * What every step inherits unless it says otherwise.
 *
 * @param retry the default retry policy
 * @param timeout default start-to-close timeout of one attempt
 * @param scheduleToClose default bound on all attempts together; may be null
 * @param heartbeat default heartbeat timeout; may be null
 * @param onFailure what a failed step does by default
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

  /** The given defaults, or ones that set nothing. */
  public static StepDefaults orNone(StepDefaults defaults) {
    return defaults == null ? NONE : defaults;
  }
}
