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
    run.pausedStep = stepId;
    run.decision = null;
    run.setState(LabState.PAUSED);
    Duration timeout = run.pauseTimeout();
    boolean decided;
    if (timeout == null) {
      Workflow.await(() -> run.decision != null);
      decided = true;
    } else {
      decided =
          LabeledTimer.awaitThenCancel(
              timeout,
              Summaries.pause(stepId, Workflow.currentTimeMillis(), timeout),
              () -> run.decision != null);
    }
    Decision taken = decided ? run.decision : null;
    run.decision = null;
    run.pausedStep = null;
    if (taken == Decision.RETRY || taken == Decision.SKIP) {
      run.setState(phase);
    }
    return taken;
  }
}
