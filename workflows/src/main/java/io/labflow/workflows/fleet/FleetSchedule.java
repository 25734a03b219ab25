package io.labflow.workflows.fleet;

import java.time.Duration;

/**
 * When a fleet is reset.
 *
 * @param cron a cron expression as Temporal reads it, e.g. {@code 0 3 * * *}
 * @param timeZone the IANA time zone of the cron
 * @param catchupWindow how late a missed night (server down) may still run
 * @param jitter a random delay of up to this long, spreading fleets that share a cron
 */
public record FleetSchedule(String cron, String timeZone, Duration catchupWindow, Duration jitter) {}
