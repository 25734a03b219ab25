package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabState;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** A failed step waiting, durably, for an operator to retry, skip or roll back. */
final class Pause {

  private Pause() {}

  /** Waits for an operator's decision on the step; returns null when the pause timed out. */
  static Decision await(LabRun run, String stepId, LabState phase) {
    run.pause(stepId);
    Duration timeout = run.definition().defaults().pauseTimeout();
    boolean decided;
    if (timeout == null) {
      Workflow.await(() -> run.decision() != null);
      decided = true;
    } else {
      decided =
          LabeledTimer.awaitThenCancel(
              timeout,
              Summaries.pause(stepId, Workflow.currentTimeMillis(), timeout),
              () -> run.decision() != null);
    }
    return run.unpause(decided, phase);
  }
}
