package io.labflow.workflows.interpreter;

import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Promise;
import java.util.List;

/** How the branches of a running parallel group stand. */
final class Branches {

  private Branches() {}

  static boolean allCompleted(List<? extends Promise<?>> promises) {
    for (Promise<?> p : promises) {
      if (!p.isCompleted()) {
        return false;
      }
    }
    return true;
  }

  /** The failure of the first branch (in file order) that failed on its own. */
  static StepFailure firstFailure(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      if (p.isCompleted() && p.getFailure() == null && p.get() != null) {
        return p.get();
      }
    }
    return null;
  }

  /** Rethrows a branch's unexpected exception (a bug); the workflow method reports it. */
  static void rethrowUnexpected(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      RuntimeException failure = p.getFailure();
      if (failure != null && !(failure instanceof CanceledFailure)) {
        throw failure;
      }
    }
  }

  static boolean anyUnexpected(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      RuntimeException failure = p.isCompleted() ? p.getFailure() : null;
      if (failure != null && !(failure instanceof CanceledFailure)) {
        return true;
      }
    }
    return false;
  }
}
