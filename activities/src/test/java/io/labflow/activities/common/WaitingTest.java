package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a wait says: what it waits for, how long it has waited, its bound, and when it gives up; and
 * how long it pauses between two polls.
 */
@org.junit.jupiter.api.Tag("fast")
class WaitingTest {

  @Test
  void everyPollSaysWhatHowLongAndTheBoundAndTheEndIsASentence() {
    List<String> beats = new ArrayList<>();
    Waiting wait = new Waiting(
        "waiting for stack s to be created", Duration.ofMinutes(30), beats::add, Waiting.MAX_PAUSE);

    wait.poll("CREATE_IN_PROGRESS");
    wait.poll(null);

    assertThat(beats).hasSize(2);
    assertThat(beats.get(0)).matches(
        "waiting for stack s to be created \\(now CREATE_IN_PROGRESS\\): [0-9hms ]+ of at most 30m, poll 1");
    assertThat(beats.get(1)).matches(
        "waiting for stack s to be created: [0-9hms ]+ of at most 30m, poll 2");
    assertThat(wait.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30));
    assertThat(wait.gaveUp("CREATE_IN_PROGRESS")).matches(
        "gave up waiting for stack s to be created after [0-9hms ]+ \\(its bound is 30m\\);"
            + " it is still CREATE_IN_PROGRESS");
  }

  @Test
  void untilReadsAgainUntilDoneSayingTheLastStateBeforeEachPause() {
    List<String> beats = new ArrayList<>();
    Waiting wait = new Waiting("waiting for x", Duration.ofHours(1), beats::add, Duration.ofMillis(5));
    Iterator<String> reads = List.of("B", "C", "DONE").iterator();

    assertThat(wait.until("A", reads::next, "DONE"::equals, s -> s, n -> Duration.ofMillis(1)))
        .isEqualTo("DONE");
    assertThat(beats).hasSize(3);
    assertThat(beats.get(0)).startsWith("waiting for x (now A): ").endsWith(", poll 1");
    assertThat(beats.get(2)).startsWith("waiting for x (now C): ").endsWith(", poll 3");
    assertThat(reads.hasNext()).isFalse();
  }

  /**
   * Before, a wait whose next pause would pass its bound ended there: a 15 s check of IAM access,
   * its pauses grown to 4 and 8 s, gave up after 6 s, before the change propagated at 10 s.
   */
  @Test
  void aPauseThatWouldPassTheBoundEndsAtItForALastRead() {
    List<String> beats = new ArrayList<>();
    Waiting wait =
        new Waiting("waiting for x", Duration.ofMillis(300), beats::add, Duration.ofMinutes(1));
    List<String> reads = new ArrayList<>();
    long started = System.nanoTime();

    String last = wait.until("A", () -> {
      reads.add("read");
      return "B";
    }, "DONE"::equals, s -> s, n -> Duration.ofSeconds(10));

    assertThat(last).isEqualTo("B");
    assertThat(reads).as("one read, at the bound").hasSize(1);
    assertThat(beats).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
  }

  @Test
  void untilWithItsBoundSpentReadsNoMoreAndKeepsTheLastValue() {
    List<String> beats = new ArrayList<>();
    Waiting wait = new Waiting("waiting for x", Duration.ZERO, beats::add, Duration.ofMillis(5));

    assertThat(wait.until("A", () -> "never read", s -> false, s -> s, n -> Duration.ofMillis(1)))
        .isEqualTo("A");
    assertThat(beats).isEmpty();
  }

  @Test
  void aLoneWaitPausesAboutItsBaseIntervalJitteredSoLabsStartedTogetherDoNotPollInStep() {
    Waiting wait = new Waiting(
        "waiting for stack s to be created", Duration.ofHours(1), b -> {}, Waiting.MAX_PAUSE);
    Set<Duration> pauses = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Duration pause = wait.interval(Duration.ofSeconds(5));
      assertThat(pause).isBetween(Duration.ofMillis(3750), Duration.ofMillis(6250));
      pauses.add(pause);
    }
    assertThat(pauses).hasSizeGreaterThan(50);
  }

  @Test
  void manyWaitsPausingAtOnceSpaceOutEachOthersPollsWithinTheHeartbeat() throws Exception {
    List<Thread> others = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      Waiting other = new Waiting(
          "waiting for stack s" + i + " to be created", Duration.ofHours(1), b -> {}, Waiting.MAX_PAUSE);
      Thread t = new Thread(() -> {
        try {
          other.sleep(Duration.ofMinutes(5));
        } catch (RuntimeException interrupted) {
          // Ended by the test.
        }
      });
      t.setDaemon(true);
      t.start();
      others.add(t);
    }
    while (Waiting.paused() < 80) {
      Thread.onSpinWait();
    }
    Waiting wait = new Waiting(
        "waiting for stack s to be created", Duration.ofHours(1), b -> {}, Waiting.MAX_PAUSE);
    // 80 waits pausing: at 4 polls a second the worker polls each every 20 s, +/-25 %.
    for (int i = 0; i < 50; i++) {
      assertThat(wait.interval(Duration.ofSeconds(5)))
          .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(25));
    }
    Waiting heartbeating = new Waiting("waiting", Duration.ofHours(1), b -> {}, Duration.ofSeconds(15));
    assertThat(heartbeating.interval(Duration.ofSeconds(5))).isLessThanOrEqualTo(Duration.ofSeconds(15));
    others.forEach(Thread::interrupt);
    for (Thread t : others) {
      t.join();
    }
    assertThat(Waiting.paused()).isZero();
    assertThat(wait.interval(Duration.ofSeconds(5))).isLessThanOrEqualTo(Duration.ofMillis(6250));
  }
}
