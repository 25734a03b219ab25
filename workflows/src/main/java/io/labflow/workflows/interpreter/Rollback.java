package io.labflow.workflows.interpreter;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The saga: compensations registered before their forward calls, and the one routine that runs
 * them, newest first, in a detached cancellation scope, for a failure, a cancellation and a
 * teardown alike.
 */
final class Rollback {

  /** The note of a step whose undo was skipped: it reads outputs the step never produced. */
  static final String NO_OUTPUTS = "nothing to undo: the step produced no outputs";

  private static final Logger log = Workflow.getLogger(Rollback.class);

  private final LabRun run;
  /** The steps whose undo is registered and has not run yet, oldest first. */
  private final List<ActionStep> compensations = new ArrayList<>();
  /** Steps whose last forward attempt was refused before changing anything (see Failures). */
  private final Set<String> refused = new HashSet<>();

  Rollback(LabRun run) {
    this.run = run;
  }

  /** Registers the step's undo, once, before its forward call. */
  void register(ActionStep step) {
    if (step.compensate() != null && !compensations.contains(step)) {
      compensations.add(step);
    }
  }

  /** Records whether the step's last forward attempt was refused before changing anything. */
  void refused(String stepId, boolean wasRefused) {
    if (wasRefused) {
      refused.add(stepId);
    } else {
      refused.remove(stepId);
    }
  }

  /**
   * A step failed and its policy (or the operator) chose to roll back: undoes everything started
   * and returns the failure the run ends with. When an operator asked for a teardown of the paused
   * lab it is torn down (TORN_DOWN and {@code LabTornDown} when every undo succeeded); else the lab
   * ends ROLLED_BACK; FAILED when an undo failed.
   */
  ApplicationFailure afterStepFailed(String head, boolean refusal) {
    boolean teardown = run.teardownRequested();
    RollbackReport report = undoAll(teardown);
    String summary = head + "; " + (refusal && !teardown && report.clean()
        ? report.describeRefusal() : report.describe(teardown ? "torn down" : "rolled back"));
    ApplicationFailure failure = teardown && report.clean()
        ? Failures.reject(
            FailureTypes.LAB_TORN_DOWN, "the lab was torn down while paused: " + summary)
        : Failures.reject(FailureTypes.LAB_FAILED, summary);
    run.undone(teardown ? LabState.TORN_DOWN : LabState.ROLLED_BACK, report.clean(), summary,
        failure);
    return failure;
  }

  /**
   * After a cancellation, in a detached scope: waits for running branches, then undoes everything
   * started, unless the lab already ended.
   */
  void afterCancel(WorkflowLock lock, Supplier<Boolean> branchesSettled) {
    Workflow.newDetachedCancellationScope(() -> {
      // A switch runs in an Update, which the cancellation does not reach: paused, or once it
      // pauses, it rolls back on this decision (runs from before version 1 decided only for a
      // paused one).
      if (run.state() == LabState.PAUSED || run.state() == LabState.SWITCHING
          && Workflow.getVersion("cancelled-lab-rolls-back-a-pause", Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION) {
        run.decide(Decision.ROLLBACK);
      }
      Workflow.await(branchesSettled);
      lock.lock();
      try {
        if (!run.state().isFinal()) {
          RollbackReport report = undoAll(false);
          String summary = "lab cancelled; " + report.describe("rolled back");
          run.undone(LabState.ROLLED_BACK, report.clean(), summary, null);
        }
      } finally {
        lock.unlock();
      }
      Workflow.await(Workflow::isEveryHandlerFinished);
    }).run();
  }

  /**
   * A bug in workflow code: undoes what was started; returns the failure the run ends with, a
   * clear message.
   */
  ApplicationFailure afterBug(RuntimeException e) {
    log.error("lab {}: unexpected error in the interpreter", run.labId(), e);
    String head = "internal error: " + Failures.describe(e);
    try {
      return afterStepFailed(head, false);
    } catch (RuntimeException again) {
      // Runs from before version 1 set FAILED without publishing it (no upsert); they replay so.
      boolean publish =
          Workflow.getVersion("publish-state-of-a-failed-rollback", Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION;
      return run.fail(
          FailureTypes.LAB_FAILED, head + "; rollback failed too: " + again.getMessage(), publish);
    }
  }

  /** Tears the live lab down: TORN_DOWN, or FAILED and thrown when something was not undone. */
  void tearDown() {
    RollbackReport report = undoAll(true);
    if (report.clean()) {
      run.undone(LabState.TORN_DOWN, true, null, null);
      return;
    }
    String summary =
        "teardown of lab " + run.labId() + " incomplete; " + report.describe("torn down");
    ApplicationFailure incomplete = Failures.reject(FailureTypes.LAB_FAILED, summary);
    run.undone(LabState.TORN_DOWN, false, summary, incomplete);
    throw incomplete;
  }

  /** Runs every registered undo, newest first, as a rollback or a teardown. */
  private RollbackReport undoAll(boolean teardown) {
    run.rollingBack(teardown);
    RollbackReport report =
        new RollbackReport(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Workflow.newDetachedCancellationScope(() -> {
      while (!compensations.isEmpty()) {
        compensate(compensations.remove(compensations.size() - 1), report);
      }
    }).run();
    return report;
  }

  private void compensate(ActionStep step, RollbackReport report) {
    Compensation c = step.compensate();
    String id = step.id();
    StepLedger ledger = run.ledger;
    ledger.ended(id, StepState.COMPENSATING, null);
    String error;
    try {
      Map<String, Object> input = run.evaluate(c.with());
      Workflow.newUntypedActivityStub(
              StepOptions.forCompensation(c, Summaries.call("undo " + id, input)))
          .execute(c.action(), Map.class, input);
      ledger.ended(id, StepState.COMPENSATED, null);
      report.undone().add(id);
      return;
    } catch (ExpressionException e) {
      if (referencesOwnOutputs(c.with(), id) && !ledger.hasOutputs(id)) {
        ledger.ended(id, StepState.COMPENSATED, NO_OUTPUTS);
        report.nothingToUndo().add(id);
        return;
      }
      error = "InvalidInput: " + e.getMessage();
    } catch (ActivityFailure e) {
      if (refused.contains(id) && Failures.isRefusal(e)) {
        // The step was refused before it changed anything, and its undo refuses the same
        // resource: it is someone else's, and nothing of the lab's own is there to undo.
        ledger.ended(
            id, StepState.REFUSED, "nothing to undo: the step was refused and created nothing");
        report.nothingToUndo().add(id);
        return;
      }
      error = Failures.describe(e);
      log.warn("lab {}: compensation of {} failed: {}", run.labId(), id, error);
    }
    ledger.compensationFailed(id, error);
    report.failed().add(id + " (" + c.action() + ": " + error + ")");
  }

  private static boolean referencesOwnOutputs(Object template, String stepId) {
    if (template instanceof String s) {
      return Expressions.references(s).stream().anyMatch(ref -> ref.root().equals("steps")
          && ref.path().size() >= 2 && ref.path().get(1).equals(stepId));
    }
    Collection<?> parts = template instanceof Map<?, ?> map ? map.values()
        : template instanceof List<?> list ? list : List.of();
    return parts.stream().anyMatch(v -> referencesOwnOutputs(v, stepId));
  }

  /**
   * What a rollback or teardown did: the steps undone in the order they ran, those with nothing to
   * undo (the undo needed outputs the step never produced, or the step and its undo were refused:
   * someone else's resource), and those whose undo still failed, each with its error.
   */
  private record RollbackReport(
      List<String> undone, List<String> nothingToUndo, List<String> failed) {

    boolean clean() {
      return failed.isEmpty();
    }

    /**
     * After a refusal whose rollback was clean: {@code nothing was created} when no undo had work,
     * else {@code everything created was undone (rolled back: b, a; nothing to undo: c)}.
     */
    String describeRefusal() {
      return undone.isEmpty()
          ? "nothing was created"
          : "everything created was undone (" + done("rolled back") + ")";
    }

    /** For example {@code rolled back: b, a; could not roll back: none}. */
    String describe(String verb) {
      return done(verb) + "; could not "
          + verb.replace("rolled back", "roll back").replace("torn down", "tear down") + ": "
          + (failed.isEmpty() ? "none" : String.join(", ", failed));
    }

    /** For example {@code rolled back: b, a; nothing to undo: c}. */
    private String done(String verb) {
      return verb + ": " + (undone.isEmpty() ? "none" : String.join(", ", undone))
          + (nothingToUndo.isEmpty()
              ? "" : "; nothing to undo: " + String.join(", ", nothingToUndo));
    }
  }
}
