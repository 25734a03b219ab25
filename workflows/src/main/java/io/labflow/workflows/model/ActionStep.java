package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A step that calls one activity. Once resolved by its {@link Definition}, {@code retry} is the
 * whole policy, {@code onFailure} is set, and at least one of {@code timeout} and {@code
 * scheduleToClose} is set; a null {@code scheduleToClose} or {@code heartbeat} means Temporal sets
 * none. Before resolution a null field inherits the defaults.
 *
 * @param with the input of the action; strings may hold {@code ${...}} expressions
 * @param timeout start-to-close timeout of one attempt
 * @param scheduleToClose bound on all attempts
 * @param compensate how to undo the step; null when nothing undoes it
 */
@JsonDeserialize // its own record fields, not the StepJson it would inherit from Step
@JsonIgnoreProperties("parallel") // written empty on every step before steps were sealed
public record ActionStep(
    String id,
    String action,
    Map<String, Object> with,
    RetrySpec retry,
    Duration timeout,
    Duration scheduleToClose,
    Duration heartbeat,
    Compensation compensate,
    OnFailure onFailure,
    int line)
    implements Step {

  /** Start-to-close timeout used when neither the step nor the defaults give any bound. */
  public static final Duration FALLBACK_TIMEOUT = Duration.ofMinutes(10);

  public ActionStep {
    with = with == null ? Map.of() : with;
  }

  @Override
  public ActionStep resolvedBy(StepDefaults defaults) {
    StepDefaults d = StepDefaults.orNone(defaults);
    Duration scheduleBound = first(scheduleToClose, d.scheduleToClose());
    Duration attempt = first(timeout, d.timeout());
    return new ActionStep(
        id,
        action,
        with,
        // Unlimited attempts and no non-retryable types when neither the step nor the defaults say.
        RetrySpec.orNone(retry).over(d.retry()).over(new RetrySpec(null, null, null, 0, List.of())),
        attempt == null && scheduleBound == null ? FALLBACK_TIMEOUT : attempt,
        scheduleBound,
        first(heartbeat, d.heartbeat()),
        compensate == null ? null : compensate.resolvedBy(d),
        first(onFailure, first(d.onFailure(), OnFailure.ROLLBACK)),
        line);
  }

  static <T> T first(T a, T b) {
    return a != null ? a : b;
  }
}
