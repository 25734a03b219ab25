package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one-line descriptions of the failures a step ends with, as Temporal delivers them. */
@Tag("fast")
class FailuresTest {

  private static Failure timeout(TimeoutType type, Failure before) {
    Failure.Builder f = Failure.newBuilder().setMessage("activity timeout")
        .setTimeoutFailureInfo(TimeoutFailureInfo.newBuilder().setTimeoutType(type));
    return (before == null ? f : f.setCause(before)).build();
  }

  private static String described(Failure failure) {
    return Failures.describe(DefaultDataConverter.STANDARD_INSTANCE.failureToException(failure));
  }

  /**
   * A step whose every attempt stopped heartbeating (stuck in a call AWS did not answer) was said
   * `timed out (heartbeat) after timed out (heartbeat)`; the attempt before is said only when it
   * says more.
   */
  @Test
  void aTimeoutAfterTheSameTimeoutIsSaidOnceAndAnotherCauseIsSaid() {
    Failure heartbeat = timeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT, null);
    Failure throttled = Failure.newBuilder().setMessage("Rate exceeded")
        .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("Throttling"))
        .build();

    assertThat(described(timeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT, heartbeat)))
        .isEqualTo("timed out (heartbeat)");
    assertThat(described(timeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, throttled)))
        .isEqualTo("timed out (start-to-close) after Throttling: Rate exceeded");
    assertThat(described(timeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, null)))
        .isEqualTo("timed out (start-to-close)");
  }
}
