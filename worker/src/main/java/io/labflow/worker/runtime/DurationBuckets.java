package io.labflow.worker.runtime;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Gives labflow's timers (a lab's time in a state, a fleet night) Prometheus histogram buckets from
 * one second to a day, instead of the SDK reporter's default percentile histogram, whose buckets
 * stop at 30 s and number in the dozens.
 */
final class DurationBuckets implements MeterFilter {

  private static final double[] BUCKETS = Stream.of(
          Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
          Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
          Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6),
          Duration.ofHours(24))
      .mapToDouble(Duration::toNanos).toArray();

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("labflow")) {
      return config;
    }
    return DistributionStatisticConfig.builder()
        .percentilesHistogram(false)
        .serviceLevelObjectives(BUCKETS)
        .build()
        .merge(config);
  }
}
