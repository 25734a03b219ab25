package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.UpdateChecks.argument;

import io.labflow.workflows.input.Arguments;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.temporal.common.converter.RawValue;
import io.temporal.common.metadata.POJOWorkflowInterfaceMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import io.temporal.common.metadata.WorkflowMethodType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.DynamicQueryHandler;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The interpreter: runs any {@link Definition} step by step, as a saga, and serves the lab's
 * updates, signal and query.
 *
 * <p>{@link StepRunner} runs the steps in order, each of either kind; a failed step pauses or rolls
 * back ({@link Rollback}: compensation registered before the forward call, undone newest first in
 * a detached scope, for a failure, a cancellation and a teardown alike). {@link LabRun} holds what
 * the run knows about itself.
 */
public class LabWorkflowImpl implements LabWorkflow {

  private static final Logger log = Workflow.getLogger(LabWorkflowImpl.class);
  /** The lab's queries, as Temporal reads them from {@link LabWorkflow}. */
  private static final String QUERIES =
      POJOWorkflowInterfaceMetadata.newInstance(LabWorkflow.class).getMethodsMetadata().stream()
          .filter(m -> m.getType() == WorkflowMethodType.QUERY)
          .map(POJOWorkflowMethodMetadata::getName)
          .sorted()
          .collect(Collectors.joining(", "));

  private final LabRun lab = new LabRun();
  private final Rollback rollback = new Rollback(lab);
  private final StepRunner runner = new StepRunner(lab, rollback);
  private final LearnerPhase learner = new LearnerPhase(lab, runner);
  private final LabLifetime lifetime = new LabLifetime(lab);
  /** Serialises switchVariant, teardown, the learner's Updates and the expiry: one at a time. */
  private final WorkflowLock lock = Workflow.newWorkflowLock();

  public LabWorkflowImpl() {
    // The SDK sends a failed query's stack trace as its message: this failure has none.
    Workflow.registerListener((DynamicQueryHandler) (name, args) -> {
      throw new RuntimeException("unknown query '" + name + "'; lab queries: " + QUERIES, null,
          false, false) {
        @Override
        public String toString() {
          return getMessage();
        }
      };
    });
    lab.learnerView(learner::progress, () -> learner.details() + lifetime.details());
  }

  @Override
  public LabResult run(RawValue input) {
    LabRequest request = lab.admit(input);
    try {
      lab.resolved(resolve(request));
      runner.run(lab.definition().steps(), LabState.PROVISIONING);
      if (lab.definition().keepAlive() == null) {
        lab.completed();
      } else {
        stayLive();
      }
    } catch (CanceledFailure cancelled) {
      rollback.afterCancel(lock, runner::settled);
      throw cancelled;
    } catch (RuntimeException e) {
      if (!lab.state().isFinal()) {
        rollback.afterBug(e);
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    return lab.end();
  }

  /**
   * The request resolved by the resolve local activity, which checks it all before anything is
   * created; a refusal fails the lab and is thrown.
   */
  private ResolvedLab resolve(LabRequest request) {
    try {
      return Workflow.newLocalActivityStub(DefinitionActivities.class, DefinitionActivities.OPTIONS)
          .resolve(request);
    } catch (ActivityFailure e) {
      throw Failures.root(e) instanceof ApplicationFailure af
          ? lab.fail(af.getType(), af.getOriginalMessage(), true)
          : lab.fail(FailureTypes.RESOLVE_FAILED, Failures.describe(e), true);
    }
  }

  /** The live wait: until a teardown, or the keep-alive runs out and the lab tears itself down. */
  private void stayLive() {
    Duration keepAlive = lab.definition().keepAlive();
    lab.live(keepAlive);
    if (!lifetime.await()) {
      log.info("lab {}: keep-alive over (live until {}), tearing down", lab.labId(),
          lab.liveUntil());
      lab.expire();
      // A switch runs in an Update holding the lock: paused, it is torn down as by the Update
      // teardown; still running, it rolls back if it pauses (labs from before version 1 waited out
      // the pause, then rolled back).
      LabState now = lab.state();
      if ((now == LabState.PAUSED || now == LabState.SWITCHING)
          && Workflow.getVersion("expiry-tears-down-a-paused-lab", Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION) {
        if (now == LabState.PAUSED) {
          lab.requestTeardown();
        } else {
          lab.decide(Decision.ROLLBACK);
        }
      }
      serially(() -> {
        if (lab.state() == LabState.LIVE) {
          rollback.tearDown();
        }
        return null;
      });
    }
  }

  @Override
  public LabStatus switchVariant(RawValue requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    return serially(() -> {
      UpdateChecks.live(lab, "no longer live");
      if (!newVariant.equals(lab.variant())) {
        lab.switching(newVariant);
        runner.run(lab.definition().onVariantChange(), LabState.SWITCHING);
        lab.switched();
      }
      return lab.status();
    });
  }

  /**
   * Runs an Update's work (or the expiry) one at a time with the others; a bug (not a Temporal
   * failure) in it rolls the lab back and fails the Update with the rollback's failure.
   */
  private <T> T serially(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
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
      Workflow.await(() -> lab.state().isFinal());
      return lab.status();
    }
    return serially(() -> {
      UpdateChecks.live(lab, "no longer live");
      rollback.tearDown();
      return lab.status();
    });
  }

  @Override
  public LabStatus resume(RawValue requested) {
    Decision d = argument(() -> Arguments.decision(requested));
    UpdateChecks.paused(lab);
    lab.decide(d);
    Workflow.await(() -> lab.decision() == null || lab.state().isFinal());
    return lab.status();
  }

  public void decide(RawValue requested) {
    String what = "signal decide";
    try {
      Decision d = argument(() -> Arguments.decision(requested));
      what = "decision " + d + " (signal decide)";
      UpdateChecks.paused(lab);
      lab.decide(d);
      lab.notice(null);
    } catch (ApplicationFailure refused) {
      lab.notice(what + " ignored: " + refused.getOriginalMessage()
          + "; use the Update resume, which says so at once");
    }
  }

  @Override
  public void requestTeardown() {
    Supplier<Boolean> ready = () -> lab.state() == LabState.LIVE || lab.state() == LabState.PAUSED
        || lab.state().isFinal();
    if (!ready.get()) {
      // The teardown asked for is said while it waits (status, details), not only once it runs.
      lab.notice("teardown (signal requestTeardown) waits until lab " + lab.labId()
          + " is live or paused, then runs");
    }
    Workflow.await(ready);
    try {
      teardown(null);
      lab.notice(null);
    } catch (ApplicationFailure notApplied) {
      // A signal cannot be refused: the reason goes where a person looks (status, details, log).
      lab.notice("teardown (signal requestTeardown): " + notApplied.getOriginalMessage());
    }
  }

  @Override
  public void validateResume(RawValue requested) {
    argument(() -> Arguments.decision(requested));
    UpdateChecks.paused(lab);
  }

  @Override
  public void validateSwitchVariant(RawValue requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    UpdateChecks.live(lab, "not live");
    UpdateChecks.otherVariant(lab, newVariant);
  }

  @Override
  public void validateTeardown(RawValue none) {
    UpdateChecks.noInput("teardown", none);
    UpdateChecks.liveOrPaused(lab);
  }

  @Override
  public LabStatus status() {
    return lab.status();
  }

  @Override
  public CheckAnswer check(RawValue none) {
    return serially(() -> learner.check(none));
  }

  @Override
  public CheckAnswer solve(RawValue none) {
    return serially(() -> learner.solve(none));
  }

  @Override
  public CheckAnswer skip(RawValue none) {
    return serially(() -> learner.skip(none));
  }

  @Override
  public LabStatus extend(RawValue duration) {
    Duration extra = argument(() -> Arguments.duration(duration));
    return serially(() -> {
      lifetime.extend(extra);
      return lab.status();
    });
  }

  @Override
  public void validateCheck(RawValue none) {
    learner.admit("check", none);
  }

  @Override
  public void validateSolve(RawValue none) {
    learner.admit("solve", none);
  }

  @Override
  public void validateSkip(RawValue none) {
    learner.admit("skip", none);
  }

  @Override
  public void validateExtend(RawValue duration) {
    lifetime.admit(argument(() -> Arguments.duration(duration)));
  }
}
