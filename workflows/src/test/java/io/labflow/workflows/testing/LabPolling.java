package io.labflow.workflows.testing;

import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Polls a lab's {@code status} query in real time until it matches: the workflow clock of a
 * time-skipping test server does not move while a test waits, and activities on moto take real
 * time. Shared with the worker module's tests through this module's test-jar.
 */
public final class LabPolling {

  private LabPolling() {}

  /** The first status that matches; fails with the last one seen once {@code timeout} passes. */
  public static LabStatus awaitStatus(
      LabWorkflow lab, Predicate<LabStatus> condition, Duration timeout, Duration every) {
    long deadline = System.nanoTime() + timeout.toNanos();
    LabStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = lab.status();
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException notYet) {
        // The first workflow task may not have run yet.
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("status never matched; last: " + last);
  }
}
