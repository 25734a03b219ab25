package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one duration notation: step files' forms, the command line's looser ones, and format. */
@Tag("fast")
class DurationsTest {

  @Test
  void durationsAcceptTheDocumentedFormsOnly() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).contains(Duration.ofHours(2));
    assertThat(Durations.parse("1h2m3s4ms"))
        .contains(Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusMillis(4));
    for (String bad : List.of("", "5", "m", "5 m", "1d", "1.5s", "-1s", "5M", "1s2m", "PT5M", "ms")) {
      assertThat(Durations.parse(bad)).as(bad).isEmpty();
    }
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
  }

  @Test
  void flagDurationsAlsoTakeDaysAnyOrderAnyCaseAndIso() {
    assertThat(Durations.parseFlag("1d")).contains(Duration.ofDays(1));
    assertThat(Durations.parseFlag(" 5M ")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parseFlag("1s2m")).contains(Duration.ofSeconds(121));
    assertThat(Durations.parseFlag("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parseFlag("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parseFlag("pt30s")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parseFlag("PT2H")).contains(Duration.ofHours(2));
    assertThat(Durations.parseFlag("90s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parseFlag("10m")).contains(Duration.ofMinutes(10));
    assertThat(Durations.parseFlag("2h")).contains(Duration.ofHours(2));
    for (String wrong : List.of("10", "5x", "", "m", "2h 30m", "PTX", "h2", "99999999999999999999s")) {
      assertThat(Durations.parseFlag(wrong)).as(wrong).isEmpty();
    }
  }
}
