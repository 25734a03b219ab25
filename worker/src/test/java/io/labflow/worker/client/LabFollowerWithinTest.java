package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one way the command line waits for a blocking client call. */
@Tag("fast")
class LabFollowerWithinTest {

  /**
   * Before, the call was started anyway, and one answered before {@code get} was reached won over
   * the interrupt: a stopped {@code switch-variant} printed one more progress line, now and then.
   */
  @Test
  void anInterruptedThreadStartsNoCall() throws Exception {
    CountDownLatch called = new CountDownLatch(1);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> LabFollower.within(Duration.ofSeconds(10), () -> { }, () -> {
      called.countDown();
      return "answer";
    })).isInstanceOf(InterruptedException.class);

    assertThat(called.await(1, TimeUnit.SECONDS)).as("the call ran").isFalse();
  }

  @Test
  void aCallAnsweredInTimeGivesItsAnswer() throws Exception {
    assertThat(LabFollower.within(Duration.ofSeconds(10), () -> { }, () -> "answer"))
        .isEqualTo("answer");
  }
}
