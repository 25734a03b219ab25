package io.labflow.workflows.interpreter;

import io.labflow.workflows.input.Arguments;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.Step;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The interpreter: runs any {@link Definition} step by step, as a saga, and serves the lab's
 * updates, signal and query.
 *
 * <p>Each step is an activity whose type is the step's action (see {@link StepRunner}), called with
 * the step's {@code with} evaluated over {@code params}, {@code variant}, {@code lab} and {@code
 * steps}. A step's compensation is registered before the step is called, so a step that times out
 * after creating its resource is still undone; {@link Rollback} runs the undos in a detached
 * cancellation scope so that cancelling the lab cannot stop them.
 */
public class LabWorkflowImpl implements LabWorkflow {

  private static final Logger log = Workflow.getLogger(LabWorkflowImpl.class);

  /** The failure type of a lab that failed (rolled back or not). */
  static final String LAB_FAILED = LabRun.LAB_FAILED;

  private final DefinitionActivities resolver =
      Workflow.newLocalActivityStub(
          DefinitionActivities.class,
          LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setScheduleToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumAttempts(3)
                      .setDoNotRetry("InvalidDefinition", "InvalidRequest")
                      .build())
              .build());

  private final LabRun lab = new LabRun();
  private final Rollback rollback = new Rollback(lab);
  private final StepRunner runner = new StepRunner(lab, rollback);
  private final StepLoop steps = new StepLoop(lab, runner, rollback);
  /** Serialises switchVariant, teardown and the keep-alive expiry: one at a time. */
  private final WorkflowLock lock = Workflow.newWorkflowLock();

  @Override
  public LabResult run(Object input) {
    LabRequest request;
    try {
      request = RequestGate.admit(input);
    } catch (ApplicationFailure invalid) {
      lab.lastError = invalid.getOriginalMessage();
      lab.state = LabState.FAILED;
      lab.attributes.set(LabSearchAttributes.STATE, lab.state.name());
      lab.attributes.flush();
      throw invalid;
    }
    lab.labId = request.labId();
    lab.ledger.onChange(lab::publishDetails);
    lab.definitionName = request.definition();
    lab.variant = request.variant();
    lab.attributes.set(LabSearchAttributes.LAB_ID, lab.labId);
    lab.attributes.set(LabSearchAttributes.DEFINITION, lab.definitionName);
    lab.attributes.set(LabSearchAttributes.VARIANT, lab.variant);
    lab.attributes.set(LabSearchAttributes.STATE, lab.state.name());
    lab.attributes.flush();
    try {
      resolve(request);
      lab.ledger.addPending(lab.definition.steps());
      lab.setState(LabState.PROVISIONING);
      steps.run(lab.definition.steps(), LabState.PROVISIONING);
      if (lab.definition.keepAlive() == null) {
        lab.setState(LabState.COMPLETED);
      } else {
        stayLive();
      }
    } catch (CanceledFailure cancelled) {
      rollBackCancelledLab();
      throw cancelled;
    } catch (RuntimeException e) {
      if (!lab.isFinal()) {
        failUnexpectedly(e);
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (lab.failureSummary != null) {
      throw Rejections.fail(lab.failureType, lab.failureSummary);
    }
    return new LabResult(lab.labId, lab.state, lab.ledger.snapshot());
  }

  private void resolve(LabRequest request) {
    ResolvedLab resolved;
    try {
      resolved = resolver.resolve(request);
    } catch (ActivityFailure e) {
      Throwable root = Failures.root(e);
      String message =
          root instanceof ApplicationFailure af ? af.getOriginalMessage() : Failures.describe(e);
      String type = root instanceof ApplicationFailure af ? af.getType() : "ResolveFailed";
      lab.lastError = message;
      lab.failureSummary = message;
      lab.failureType = type;
      lab.setState(LabState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(message, type);
    }
    lab.definition = resolved.definition();
    if (request.onFailure() != null) {
      lab.runOnFailure = OnFailure.valueOf(request.onFailure().toUpperCase(Locale.ROOT));
    }
    lab.params = resolved.parameters() == null ? Map.of() : resolved.parameters();
    lab.variant = resolved.variant();
    lab.definitionName = lab.definition.name();
    // Folded into the PROVISIONING state change that follows: no extra history event.
    lab.attributes.set(LabSearchAttributes.DEFINITION, lab.definitionName);
    lab.attributes.set(LabSearchAttributes.VARIANT, lab.variant);
  }

  private void stayLive() {
    Duration keepAlive = lab.definition.keepAlive();
    lab.liveUntil = Summaries.at(Workflow.currentTimeMillis(), keepAlive);
    lab.setState(LabState.LIVE);
    boolean ended =
        LabeledTimer.await(
            keepAlive, Summaries.keepAlive(Workflow.currentTimeMillis(), keepAlive), lab::isFinal);
    if (!ended) {
      lock.lock();
      try {
        if (lab.state == LabState.LIVE) {
          log.info("lab {}: keep-alive of {} is over, tearing down", lab.labId, keepAlive);
          tearDown();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** After a cancellation: waits for running branches, then undoes everything started. */
  private void rollBackCancelledLab() {
    Workflow.newDetachedCancellationScope(
            () -> {
              if (lab.state == LabState.PAUSED) {
                // A switch paused in an update handler rolls back itself on this decision.
                lab.decision = Decision.ROLLBACK;
              }
              Workflow.await(runner::settled);
              lock.lock();
              try {
                if (!lab.isFinal()) {
                  lab.pausedStep = null;
                  rollback.undo(new RollbackCause.Cancelled());
                }
              } finally {
                lock.unlock();
              }
              Workflow.await(Workflow::isEveryHandlerFinished);
            })
        .run();
  }

  /** A bug in workflow code: undo what was started and fail with a clear message. */
  private void failUnexpectedly(RuntimeException e) {
    String message =
        e instanceof TemporalFailure tf
            ? tf.getOriginalMessage()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    log.error("lab {}: unexpected error in the interpreter", lab.labId, e);
    try {
      // The summary lands in failureSummary; the workflow fails with it.
      rollback.undo(new RollbackCause.StepFailed("internal error: " + message, false, lab.teardownRequested));
    } catch (RuntimeException again) {
      lab.failureSummary =
          "internal error: " + message + "; rollback failed too: " + again.getMessage();
      lab.state = LabState.FAILED;
    }
  }

  private void tearDown() {
    ApplicationFailure incomplete = rollback.undo(new RollbackCause.TornDown());
    if (incomplete != null) {
      throw incomplete;
    }
  }

  @Override
  public LabStatus switchVariant(Object requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    lock.lock();
    try {
      if (lab.state != LabState.LIVE) {
        throw Rejections.reject(
            Rejections.NOT_LIVE, "lab " + lab.labId + " is no longer live (" + lab.state + ")");
      }
      if (newVariant.equals(lab.variant)) {
        return lab.status();
      }
      lab.variant = newVariant;
      lab.state = LabState.SWITCHING;
      lab.attributes.set(LabSearchAttributes.STATE, lab.state.name());
      lab.attributes.set(LabSearchAttributes.VARIANT, lab.variant);
      lab.attributes.flush();
      List<Step> onChange = lab.definition.onVariantChange();
      lab.ledger.addPending(onChange);
      steps.run(onChange, LabState.SWITCHING);
      lab.setState(LabState.LIVE);
      return lab.status();
    } catch (TemporalFailure e) {
      throw e;
    } catch (RuntimeException e) {
      failUnexpectedly(e);
      throw ApplicationFailure.newNonRetryableFailure(lab.failureSummary, LAB_FAILED);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LabStatus teardown() {
    if (lab.state == LabState.PAUSED) {
      lab.teardownRequested = true;
      lab.decision = Decision.ROLLBACK;
      Workflow.await(() -> lab.isFinal());
      return lab.status();
    }
    lock.lock();
    try {
      if (lab.state != LabState.LIVE) {
        throw Rejections.reject(
            Rejections.NOT_LIVE, "lab " + lab.labId + " is no longer live (" + lab.state + ")");
      }
      tearDown();
      return lab.status();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LabStatus resume(Object requested) {
    Decision d = argument(() -> Arguments.decision(requested));
    if (lab.state != LabState.PAUSED || lab.decision != null) {
      throw Rejections.reject(
          Rejections.NOT_PAUSED, "lab " + lab.labId + " is not paused (" + lab.state + ")");
    }
    lab.decision = d;
    Workflow.await(() -> lab.decision == null || lab.isFinal());
    return lab.status();
  }

  @Override
  public void decide(Object requested) {
    Decision d;
    try {
      d = Arguments.decision(requested);
    } catch (IllegalArgumentException wrong) {
      lab.notice =
          "signal decide ignored: "
              + wrong.getMessage()
              + "; use the Update resume, which says so at once";
      log.warn("lab {}: {}", lab.labId, lab.notice);
      lab.publishDetails();
      return;
    }
    if (lab.state == LabState.PAUSED && lab.decision == null) {
      lab.decision = d;
      lab.notice = null;
    } else {
      lab.notice =
          "decision "
              + d
              + " (signal decide) ignored: lab "
              + lab.labId
              + (d == null ? " needs RETRY, SKIP or ROLLBACK" : " is not paused (" + lab.state + ")")
              + "; use the Update resume, which says so at once";
      log.warn("lab {}: {}", lab.labId, lab.notice);
      lab.publishDetails();
    }
  }

  /** Rejects a decision unless a step is waiting for one. */
  @Override
  public void validateResume(Object requested) {
    argument(() -> Arguments.decision(requested));
    if (lab.state != LabState.PAUSED || lab.decision != null) {
      throw Rejections.reject(
          Rejections.NOT_PAUSED, "lab " + lab.labId + " is not paused (" + lab.state + ")");
    }
  }

  /** Rejects a switch unless the lab is live and the variant is another existing one. */
  @Override
  public void validateSwitchVariant(Object requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    if (lab.state != LabState.LIVE) {
      throw Rejections.reject(
          Rejections.NOT_LIVE, "lab " + lab.labId + " is not live (" + lab.state + ")");
    }
    Map<String, Map<String, Object>> variants = lab.definition.variants();
    if (newVariant == null || variants == null || !variants.containsKey(newVariant)) {
      throw Rejections.reject(
          Rejections.INVALID_ARGUMENT,
          "unknown variant '"
              + newVariant
              + "'; known: "
              + (variants == null ? "none" : variants.keySet()));
    }
    if (newVariant.equals(lab.variant)) {
      throw Rejections.reject(
          Rejections.INVALID_ARGUMENT, "lab " + lab.labId + " already runs variant " + newVariant);
    }
  }

  /** Rejects a teardown unless the lab is live or paused. */
  @Override
  public void validateTeardown() {
    if (lab.state != LabState.LIVE && lab.state != LabState.PAUSED) {
      throw Rejections.reject(
          Rejections.NOT_LIVE,
          "lab " + lab.labId + " can be torn down only when live or paused (" + lab.state + ")");
    }
  }

  @Override
  public LabStatus status() {
    return lab.status();
  }

  /** Reads an update's argument; a wrong one is rejected with the reader's sentence. */
  private static <T> T argument(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException wrong) {
      throw Rejections.reject(Rejections.INVALID_ARGUMENT, wrong.getMessage());
    }
  }
}
