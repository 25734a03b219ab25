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

  /** The index of the first branch (in file order) that threw unexpectedly (a bug), or -1. */
  static int firstUnexpected(List<Promise<StepFailure>> results) {
    for (int i = 0; i < results.size(); i++) {
      Promise<StepFailure> p = results.get(i);
      RuntimeException failure = p.isCompleted() ? p.getFailure() : null;
      if (failure != null && !(failure instanceof CanceledFailure)) {
        return i;
      }
    }
    return -1;
  }
}
