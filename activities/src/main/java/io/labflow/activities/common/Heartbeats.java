package io.labflow.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** Heartbeating helpers for long activities: heartbeats and bounded retries. */
public final class Heartbeats {

  private Heartbeats() {}

  /** Records a heartbeat with this detail on the current activity; outside an activity, nothing. */
  public static void beat(String detail) {
    ActivityExecutionContext context;
    try {
      context = Activity.getExecutionContext();
    } catch (IllegalStateException outsideActivity) {
      // The lab inventory also runs in the command line (labflow test): nobody to tell there.
      return;
    }
    context.heartbeat(detail);
  }

  /**
   * Calls {@code attempt} until it returns a non-null value or the budget is spent, saying so
   * through a {@link Waiting} (heartbeat and log) and backing off exponentially (1s doubling to
   * 10s, jittered and spaced by {@link Waiting#interval}) between attempts. Returns the last
   * value, or null if the budget ran out (then logged). Cancellation arrives through the heartbeat.
   *
   * @param detail what is being done, as a phrase ("associating p with i")
   */
  public static <T> T untilPresent(String detail, Duration budget, Supplier<T> attempt) {
    Waiting wait = new Waiting(detail, budget);
    BackoffStrategy backoff =
        BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(10));
    T value =
        wait.until(attempt.get(), attempt, Objects::nonNull, v -> null, backoff::computeDelay);
    if (value == null) {
      wait.gaveUp(null);
    }
    return value;
  }

  /**
   * The longest pause between two heartbeats of the current activity: half its heartbeat timeout,
   * or {@code otherwise} when it has none.
   */
  static Duration maxPause(Duration otherwise) {
    Duration timeout = Activity.getExecutionContext().getInfo().getHeartbeatTimeout();
    return timeout.isZero() ? otherwise : timeout.dividedBy(2);
  }
}
