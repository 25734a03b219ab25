package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.StepDefaults;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Activity options of a resolved step: its own values win field by field, the defaults fill the
 * rest, and the compensation is resolved the same way.
 */
@Tag("fast")
class StepOptionsTest {

  private static final StepDefaults DEFAULTS =
      new StepDefaults(
          new RetrySpec(Duration.ofSeconds(2), 3.0, Duration.ofMinutes(1), 4, List.of("AccessDenied")),
          Duration.ofMinutes(2),
          Duration.ofMinutes(30),
          Duration.ofSeconds(20),
          OnFailure.ROLLBACK,
          Duration.ofHours(1));

  /** A step as written, resolved against these defaults as its definition resolves it. */
  private static ActionStep step(
      RetrySpec retry, Duration timeout, Duration heartbeat, Compensation c, StepDefaults d) {
    return new ActionStep("s", "Create", Map.of(), retry, timeout, null, heartbeat, c, null, 0)
        .resolvedBy(d);
  }

  private static ActionStep step(RetrySpec retry, Duration timeout, Duration heartbeat, Compensation c) {
    return step(retry, timeout, heartbeat, c, DEFAULTS);
  }

  private static Compensation undo(Compensation c) {
    return step(null, null, null, c).compensate();
  }

  @Test
  void stepInheritsEveryUnsetFieldFromTheDefaults() {
    ActivityOptions o =
        StepOptions.forStep(
            step(new RetrySpec(null, null, null, 7, null), Duration.ofSeconds(5), null, null), "s");

    assertThat(o.getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.getScheduleToCloseTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(o.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.getRetryOptions().getMaximumAttempts()).isEqualTo(7);
    assertThat(o.getRetryOptions().getInitialInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.getRetryOptions().getBackoffCoefficient()).isEqualTo(3.0);
    assertThat(o.getRetryOptions().getMaximumInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.getRetryOptions().getDoNotRetry()).containsExactly("AccessDenied");
    assertThat(o.getCancellationType())
        .isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    assertThat(o.getSummary()).isEqualTo("s");
    assertThat(step(null, null, null, null).retry().maximumAttempts()).isEqualTo(4);
  }

  @Test
  void compensationUsesItsOwnRetryAndTimeout() {
    Compensation c =
        new Compensation(
            "Delete", Map.of(), new RetrySpec(null, null, null, 10, List.of()),
            Duration.ofMinutes(9), null, null);

    ActivityOptions o = StepOptions.forCompensation(undo(c), "undo s");

    assertThat(o.getStartToCloseTimeout()).isEqualTo(Duration.ofMinutes(9));
    assertThat(o.getRetryOptions().getMaximumAttempts()).isEqualTo(10);
    assertThat(o.getRetryOptions().getDoNotRetry()).isNullOrEmpty();
    assertThat(o.getRetryOptions().getInitialInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void compensationUsesItsOwnHeartbeatElseTheDefaults() {
    Compensation own =
        new Compensation("Delete", Map.of(), null, null, Duration.ofSeconds(45), null);
    Compensation inherits = new Compensation("Delete", Map.of(), null, null, null, null);

    assertThat(StepOptions.forCompensation(undo(own), "undo s").getHeartbeatTimeout())
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(StepOptions.forCompensation(undo(inherits), "undo s").getHeartbeatTimeout())
        .isEqualTo(DEFAULTS.heartbeat());
  }

  @Test
  void withoutAnyTimeoutAStepGetsTheFallback() {
    ActivityOptions o = StepOptions.forStep(step(null, null, null, null, null), "s");

    assertThat(o.getStartToCloseTimeout()).isEqualTo(ActionStep.FALLBACK_TIMEOUT);
    assertThat(o.getRetryOptions().getMaximumAttempts()).isZero();
  }
}
