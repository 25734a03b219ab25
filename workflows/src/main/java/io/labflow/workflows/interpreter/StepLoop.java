package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.Step;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;

/**
 * Runs a list of steps in order. A step that fails rolls the lab back, or pauses for an operator,
 * as its failure policy says; a rollback ends in a thrown failure.
 */
final class StepLoop {

  private static final Logger log = Workflow.getLogger(StepLoop.class);

  private final LabRun run;
  private final StepRunner runner;
  private final Rollback rollback;

  StepLoop(LabRun run, StepRunner runner, Rollback rollback) {
    this.run = run;
    this.runner = runner;
    this.rollback = rollback;
  }

  void run(List<Step> steps, LabState phase) {
    for (Step step : steps) {
      runUntilDone(step, phase);
    }
  }

  /** Runs a step or a group until it is done or skipped. */
  private void runUntilDone(Step step, LabState phase) {
    while (true) {
      StepFailure failure = runner.execute(step);
      if (failure == null) {
        return;
      }
      run.stepFailed(failure.head());
      Decision next = Decision.ROLLBACK;
      String note = "";
      if (run.onFailure(step) == OnFailure.PAUSE) {
        next = pause(step.id(), phase);
        if (next == null) {
          next = Decision.ROLLBACK;
          note = " (no decision within the pause timeout of " + run.definition().defaults().pauseTimeout() + ")";
        }
      }
      switch (next) {
        case RETRY -> log.info("lab {}: retrying step {}", run.labId(), step.id());
        case SKIP -> {
          skip(step);
          return;
        }
        case ROLLBACK -> throw rollback.afterStepFailed(failure.head() + note, failure.refused());
      }
    }
  }

  /**
   * Waits, durably, for an operator to retry, skip or roll back the failed step; returns null when
   * the pause timed out.
   */
  private Decision pause(String stepId, LabState phase) {
    run.pause(stepId);
    Duration timeout = run.definition().defaults().pauseTimeout();
    boolean decided = true;
    if (timeout == null) {
      Workflow.await(() -> run.decision() != null);
    } else {
      decided =
          LabeledTimer.awaitThenCancel(
              timeout,
              Summaries.pause(stepId, Workflow.currentTimeMillis(), timeout),
              () -> run.decision() != null);
    }
    return run.unpause(decided, phase);
  }

  /** Skips an action, or the branches of a group that are not done. */
  private void skip(Step step) {
    for (ActionStep leaf : Step.actions(List.of(step))) {
      if (step instanceof ActionStep || run.ledger.state(leaf.id()) != StepState.DONE) {
        run.ledger.skipped(leaf.id());
      }
    }
    log.info("lab {}: step {} skipped by the operator", run.labId(), step.id());
  }
}
