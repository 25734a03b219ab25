package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.UpdateChecks.argument;

import io.labflow.workflows.input.Arguments;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The interpreter: runs any {@link Definition} step by step, as a saga, and serves the lab's
 * updates, signal and query.
 *
 * <p>{@link StepLoop} runs the steps in order, {@link StepRunner} runs one step of either kind, a
 * failed step pauses ({@link Pause}) or rolls back ({@link Rollback}: compensation registered
 * before the forward call, undone newest first in a detached scope, for a failure, a cancellation
 * and a teardown alike). {@link LabRun} holds what the run knows about itself.
 */
public class LabWorkflowImpl implements LabWorkflow {

  private static final Logger log = Workflow.getLogger(LabWorkflowImpl.class);

  private final LabResolver resolver = new LabResolver();
  private final LabRun lab = new LabRun();
  private final Rollback rollback = new Rollback(lab);
  private final StepRunner runner = new StepRunner(lab, rollback);
  private final StepLoop steps = new StepLoop(lab, runner, rollback);
  /** Serialises switchVariant, teardown and the keep-alive expiry: one at a time. */
  private final WorkflowLock lock = Workflow.newWorkflowLock();

  public LabWorkflowImpl() {
    UnknownQueries.register();
  }

  @Override
  public LabResult run(RawValue input) {
    LabRequest request = lab.admit(input);
    try {
      resolver.resolve(lab, request);
      lab.provisioning();
      steps.run(lab.definition().steps(), LabState.PROVISIONING);
      if (lab.definition().keepAlive() == null) {
        lab.completed();
      } else {
        stayLive();
      }
    } catch (CanceledFailure cancelled) {
      rollback.afterCancel(lock, runner::settled);
      throw cancelled;
    } catch (RuntimeException e) {
      if (!lab.isFinal()) {
        rollback.afterBug(e);
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    return lab.end();
  }

  /** The live wait: until a teardown, or the keep-alive runs out and the lab tears itself down. */
  private void stayLive() {
    Duration keepAlive = lab.definition().keepAlive();
    lab.live(keepAlive);
    boolean ended =
        LabeledTimer.await(
            keepAlive, Summaries.keepAlive(Workflow.currentTimeMillis(), keepAlive), lab::isFinal);
    if (!ended) {
      lock.lock();
      try {
        if (lab.state() == LabState.LIVE) {
          log.info("lab {}: keep-alive of {} is over, tearing down", lab.labId(), keepAlive);
          rollback.tearDown();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public LabStatus switchVariant(RawValue requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    lock.lock();
    try {
      UpdateChecks.live(lab, "no longer live");
      if (newVariant.equals(lab.variant())) {
        return lab.status();
      }
      lab.switching(newVariant);
      steps.run(lab.definition().onVariantChange(), LabState.SWITCHING);
      lab.switched();
      return lab.status();
    } catch (TemporalFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw rollback.afterBug(e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LabStatus teardown(RawValue none) {
    if (lab.state() == LabState.PAUSED) {
      lab.requestTeardown();
      Workflow.await(lab::isFinal);
      return lab.status();
    }
    lock.lock();
    try {
      UpdateChecks.live(lab, "no longer live");
      rollback.tearDown();
      return lab.status();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LabStatus resume(RawValue requested) {
    Decision d = argument(() -> Arguments.decision(requested));
    UpdateChecks.paused(lab);
    lab.decide(d);
    Workflow.await(() -> lab.decision() == null || lab.isFinal());
    return lab.status();
  }

  public void decide(RawValue requested) {
    Decision d;
    try {
      d = Arguments.decision(requested);
    } catch (IllegalArgumentException wrong) {
      ignored("signal decide ignored: " + wrong.getMessage());
      return;
    }
    if (lab.state() == LabState.PAUSED && lab.decision() == null) {
      lab.decide(d);
      lab.notice(null);
    } else {
      String why =
          d == null ? "needs RETRY, SKIP or ROLLBACK" : "is not paused (" + lab.state() + ")";
      ignored("decision " + d + " (signal decide) ignored: lab " + lab.labId() + " " + why);
    }
  }

  private void ignored(String why) {
    String notice = why + "; use the Update resume, which says so at once";
    log.warn("lab {}: {}", lab.labId(), notice);
    lab.notice(notice);
  }

  @Override
  public void requestTeardown() {
    Workflow.await(
        () -> lab.state() == LabState.LIVE || lab.state() == LabState.PAUSED || lab.isFinal());
    try {
      teardown(null);
    } catch (ApplicationFailure notApplied) {
      // A signal cannot be refused: the reason goes where a person looks (status, details, log).
      String notice = "teardown (signal requestTeardown): " + notApplied.getOriginalMessage();
      log.info("lab {}: {}", lab.labId(), notice);
      lab.notice(notice);
    }
  }

  /** Rejects a decision unless a step is waiting for one. */
  @Override
  public void validateResume(RawValue requested) {
    argument(() -> Arguments.decision(requested));
    UpdateChecks.paused(lab);
  }

  /** Rejects a switch unless the lab is live and the variant is another existing one. */
  @Override
  public void validateSwitchVariant(RawValue requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    UpdateChecks.live(lab, "not live");
    UpdateChecks.otherVariant(lab, newVariant);
  }

  /** Rejects a teardown with an input, or unless the lab is live or paused. */
  @Override
  public void validateTeardown(RawValue none) {
    argument(() -> {
      Arguments.none(none, "teardown");
      return none;
    });
    UpdateChecks.liveOrPaused(lab);
  }

  @Override
  public LabStatus status() {
    return lab.status();
  }

  // Learner mode (issue 22): the contract; the interpreter's learner phase replaces these.
  private static ApplicationFailure noTasks(String update) {
    return ApplicationFailure.newNonRetryableFailure(
        update + ": this lab has no learner tasks", FailureTypes.INVALID_REQUEST);
  }

  @Override
  public CheckAnswer check(RawValue none) {
    throw noTasks("check");
  }

  @Override
  public CheckAnswer solve(RawValue none) {
    throw noTasks("solve");
  }

  @Override
  public CheckAnswer skip(RawValue none) {
    throw noTasks("skip");
  }

  @Override
  public LabStatus extend(RawValue duration) {
    throw noTasks("extend");
  }

  @Override
  public void validateCheck(RawValue none) {
    throw noTasks("check");
  }

  @Override
  public void validateSolve(RawValue none) {
    throw noTasks("solve");
  }

  @Override
  public void validateSkip(RawValue none) {
    throw noTasks("skip");
  }

  @Override
  public void validateExtend(RawValue duration) {
    throw noTasks("extend");
  }
}
