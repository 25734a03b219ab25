package io.labflow.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** Heartbeating helpers for long activities: waiters that beat between polls, bounded retries. */
public final class Heartbeats {

  private Heartbeats() {}

  /** Records a heartbeat with this detail on the current activity. */
  public static void beat(String detail) {
    Activity.getExecutionContext().heartbeat(detail);
  }

  /**
   * Waiter settings whose backoff heartbeats before every delay, so a waiter can run for many
   * minutes while Temporal still sees the activity alive (and can deliver cancellation).
   */
  public static WaiterOverrideConfiguration waiter(String detail, Duration poll, Duration timeout) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    BackoffStrategy beating =
        attempt -> {
          ctx.heartbeat(detail + " (poll " + attempt + ")");
          return poll;
        };
    return WaiterOverrideConfiguration.builder()
        .maxAttempts(Integer.MAX_VALUE)
        .waitTimeout(timeout)
        .backoffStrategyV2(beating)
        .build();
  }

  /**
   * Calls {@code attempt} until it returns a non-null value or the budget is spent, heartbeating
   * and backing off exponentially (1s doubling to 10s) between attempts. Returns the last value,
   * or null if the budget ran out. Cancellation arrives through the heartbeat.
   */
  public static <T> T untilPresent(String detail, Duration budget, Supplier<T> attempt) {
    Instant deadline = Instant.now().plus(budget);
    BackoffStrategy backoff =
        BackoffStrategy.exponentialDelayHalfJitter(Duration.ofSeconds(1), Duration.ofSeconds(10));
    for (int i = 1; ; i++) {
      T value = attempt.get();
      if (value != null) {
        return value;
      }
      Duration delay = backoff.computeDelay(i);
      if (Instant.now().plus(delay).isAfter(deadline)) {
        return null;
      }
      beat(detail + " (attempt " + i + ")");
      sleep(delay);
    }
  }

  /** Sleeps in an activity; an interrupt becomes the activity's failure. */
  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }
}
