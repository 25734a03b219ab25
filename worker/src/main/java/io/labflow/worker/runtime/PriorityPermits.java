package io.labflow.worker.runtime;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A counting semaphore whose waiters are served by Temporal task priority, then in arrival order:
 * when the worker's AWS calls are all taken by a fleet's resets (priority key 4), a learner's lab
 * (the default, 3) gets the next free call instead of queueing behind a hundred of them.
 */
final class PriorityPermits {

  /** Temporal's default priority key, which an unset key (0) means. */
  static final int DEFAULT_PRIORITY = 3;

  private record Waiter(int priority, long arrival) {}

  private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
      Comparator.comparingInt(Waiter::priority).thenComparingLong(Waiter::arrival));
  private int available;
  private long arrivals;

  /** {@code permits} is at least 1: {@code labflow worker} refuses less. */
  PriorityPermits(int permits) {
    this.available = permits;
  }

  /** Takes a permit, waiting behind every waiter of a higher priority (a lower key) or earlier arrival. */
  synchronized void acquire(int priorityKey) throws InterruptedException {
    Waiter me = new Waiter(priorityKey <= 0 ? DEFAULT_PRIORITY : priorityKey, arrivals++);
    waiting.add(me);
    try {
      while (available == 0 || waiting.peek() != me) {
        wait();
      }
    } catch (InterruptedException e) {
      waiting.remove(me);
      notifyAll();
      throw e;
    }
    waiting.poll();
    available--;
    // The next waiter may be served too if permits remain.
    notifyAll();
  }

  synchronized void release() {
    available++;
    notifyAll();
  }

  synchronized int available() {
    return available;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
