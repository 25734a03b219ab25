package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.worker.runtime.AwsCalls.PriorityPermits;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The worker's AWS call slots go to the highest task priority waiting, then to the earliest. */
@Tag("fast")
class PriorityPermitsTest {

  private final List<String> served = new CopyOnWriteArrayList<>();

  private Thread waiter(PriorityPermits permits, String name, int priority) throws InterruptedException {
    int before = permits.waiting();
    Thread t = new Thread(() -> {
      try {
        permits.acquire(priority);
        served.add(name);
        permits.release();
      } catch (InterruptedException e) {
        served.add(name + " interrupted");
      }
    }, name);
    t.start();
    // Arrival order is the order of this test: each waiter is queued before the next starts.
    while (permits.waiting() == before) {
      Thread.sleep(1);
    }
    return t;
  }

  @Test
  void aLearnersCallIsServedBeforeTheFleetsThatArrivedEarlier() throws InterruptedException {
    PriorityPermits permits = new PriorityPermits(1);
    permits.acquire(4);
    List<Thread> threads = List.of(
        waiter(permits, "fleet-1", 4), waiter(permits, "fleet-2", 4), waiter(permits, "learner", 0),
        waiter(permits, "urgent", 1), waiter(permits, "fleet-3", 4));
    assertThat(served).isEmpty();
    permits.release();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    // Key 0 (unset) is Temporal's default, 3: after 1, before 4; equal keys keep arrival order.
    assertThat(served).containsExactly("urgent", "learner", "fleet-1", "fleet-2", "fleet-3");
    assertThat(permits.available()).isEqualTo(1);
    assertThat(permits.waiting()).isZero();
  }

  @Test
  void neverMoreHoldersThanPermits() throws InterruptedException {
    PriorityPermits permits = new PriorityPermits(2);
    permits.acquire(3);
    permits.acquire(3);
    assertThat(permits.available()).isZero();
    Thread third = waiter(permits, "third", 3);
    third.join(50);
    assertThat(served).isEmpty();
    permits.release();
    third.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(served).containsExactly("third");
    assertThat(permits.available()).isEqualTo(1);
  }

  @Test
  void anInterruptedWaiterLeavesTheQueueAndTheNextIsServed() throws InterruptedException {
    PriorityPermits permits = new PriorityPermits(1);
    permits.acquire(3);
    Thread first = waiter(permits, "first", 1);
    Thread second = waiter(permits, "second", 4);
    first.interrupt();
    first.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(permits.waiting()).isEqualTo(1);
    permits.release();
    second.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(served).containsExactly("first interrupted", "second");
    assertThat(permits.available()).isEqualTo(1);
  }
}
