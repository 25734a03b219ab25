package io.labflow.worker.e2e;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An end-to-end test class on the run's {@link LocalStack}: the stack, the tests' view of its IAM,
 * and workers that poll from before the class's first test until after its last.
 */
@ExtendWith(LocalStack.class)
abstract class OnLocalStack {

  /** The bound on a worker's start, JVM start included. */
  static final Duration READY = Duration.ofSeconds(60);
  static LocalStack.Stack stack;
  static Iam iam;
  private static final List<ManagedProcess> classWorkers = new ArrayList<>();

  @BeforeAll
  static void openStack(LocalStack.Stack s) {
    stack = s;
    iam = s.iam();
  }

  /** A worker polling on this queue, serving metrics on this port (-1: none), until the class is done. */
  static ManagedProcess classWorker(String name, String queue, int metricsPort) throws InterruptedException {
    ManagedProcess worker = stack.startWorker(name, queue, metricsPort).awaitLog("polling", READY);
    classWorkers.add(worker);
    return worker;
  }

  /** The lab's answer to the status query; empty while it cannot answer. */
  static Optional<LabStatus> status(String labId) {
    try {
      return Optional.ofNullable(stack.client().newWorkflowStub(LabWorkflow.class, labId).status());
    } catch (RuntimeException notYet) {
      return Optional.empty();
    }
  }

  /** Polls the lab's status until it is LIVE; fails with the last status and the worker's log. */
  static LabStatus awaitLive(String labId, Duration timeout, ManagedProcess worker) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<LabStatus> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      last = status(labId);
      if (last.isPresent() && last.get().state() == LabState.LIVE) {
        return last.get();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("lab " + labId + " not LIVE within " + timeout + "; last " + last
        + "\nworker log:\n" + worker.tail());
  }

  @AfterAll
  static void stopClassWorkers() {
    classWorkers.forEach(ManagedProcess::close);
    classWorkers.clear();
  }
}
