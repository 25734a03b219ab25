package io.labflow.workflows.fleet;

import java.time.Duration;
import java.time.ZoneId;

/**
 * When a fleet is reset.
 *
 * @param cron a cron expression as Temporal reads it, e.g. {@code 0 3 * * *}
 * @param timeZone the IANA time zone of the cron
 * @param catchupWindow how late a missed night (server down) may still run
 * @param jitter a random delay of up to this long, spreading fleets that share a cron
 */
public record FleetSchedule(String cron, String timeZone, Duration catchupWindow, Duration jitter) {

  public FleetSchedule {
    if (cron == null || cron.isBlank()) {
      throw new IllegalArgumentException("cron is required");
    }
    ZoneId.of(timeZone);
    if (catchupWindow == null || catchupWindow.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException("catchupWindow must be at least 10s");
    }
    if (jitter == null || jitter.isNegative()) {
      throw new IllegalArgumentException("jitter must not be negative");
    }
  }
}
