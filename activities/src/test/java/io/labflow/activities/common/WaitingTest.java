package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a wait says: what it waits for, how long it has waited, its bound, and when it gives up. */
@org.junit.jupiter.api.Tag("fast")
class WaitingTest {

  @Test
  void everyPollSaysWhatHowLongAndTheBoundAndTheEndIsASentence() {
    List<String> beats = new ArrayList<>();
    Waiting wait = new Waiting("waiting for stack s to be created", Duration.ofMinutes(30), beats::add);

    wait.poll("CREATE_IN_PROGRESS");
    wait.poll(null);

    assertThat(beats).hasSize(2);
    assertThat(beats.get(0)).matches(
        "waiting for stack s to be created \\(now CREATE_IN_PROGRESS\\): [0-9hms ]+ of at most 30m, poll 1");
    assertThat(beats.get(1)).matches(
        "waiting for stack s to be created: [0-9hms ]+ of at most 30m, poll 2");
    assertThat(wait.wouldPassBound(Duration.ofMinutes(31))).isTrue();
    assertThat(wait.gaveUp("CREATE_IN_PROGRESS")).matches(
        "gave up waiting for stack s to be created after [0-9hms ]+ \\(its bound is 30m\\);"
            + " it is still CREATE_IN_PROGRESS");
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    assertThat(Waiting.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Waiting.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Waiting.format(Duration.ofSeconds(125))).isEqualTo("2m 5s");
    assertThat(Waiting.format(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(Waiting.format(Duration.ofMinutes(90))).isEqualTo("1h 30m");
    assertThat(Waiting.format(Duration.ofSeconds(60))).isEqualTo("1m");
  }
}
