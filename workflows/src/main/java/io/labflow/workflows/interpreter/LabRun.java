package io.labflow.workflows.interpreter;

import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.Step;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What one lab run knows about itself: its request, its definition, its state and the operator's
 * pending decision. The interpreter's parts share it; it changes only on the workflow thread, and
 * only through its intent methods (admit, resolved, pause, decide, fail, end, ...), each of which
 * keeps the search attribute {@code LabState} and the Web UI's details in step.
 */
final class LabRun {

  private static final Logger log = Workflow.getLogger(LabRun.class);

  final StepLedger ledger = new StepLedger(this::publishDetails);
  private final SearchAttributeQueue attributes = new SearchAttributeQueue();

  /** The workflow id until the request names the lab: a signal may come before the run starts. */
  private String labId = Workflow.getInfo().getWorkflowId();
  private String definitionName;
  private String variant;
  private LabState state = LabState.RESOLVING;
  private Definition definition;
  private Map<String, Object> params = Map.of();
  private String pausedStep;
  /** When the pause ends without a decision (the lab then rolls back); null for never. */
  private String pausedUntil;
  private String lastError;
  private Decision decision;
  private boolean teardownRequested;
  /** Set when the lab ends in failure: what the workflow fails with. */
  private ApplicationFailure failure;
  /** The run's own failure handling (the request's onFailure), over the steps'; or null. */
  private OnFailure runOnFailure;
  /** The last request the lab could not apply, for the status. */
  private String notice;
  private String liveUntil;
  private Supplier<LearnerProgress> learner = () -> null;
  private Supplier<String> learnerDetails = () -> "";
  /** When the lab entered its state (workflow time, ms); 0 before the first change. */
  private long stateSince;
  /** Whether the keep-alive ran out: the teardown that follows is the lab's own. */
  private boolean expired;

  String labId() {
    return labId;
  }

  String variant() {
    return variant;
  }

  LabState state() {
    return state;
  }

  Definition definition() {
    return definition;
  }

  /** The operator's decision on the paused step, not yet taken; or null. */
  Decision decision() {
    return decision;
  }

  boolean teardownRequested() {
    return teardownRequested;
  }

  String liveUntil() {
    return liveUntil;
  }

  boolean expired() {
    return expired;
  }

  void expire() {
    expired = true;
  }

  /** The keep-alive moved (an extension): when the lab is live until, for the details. */
  void liveUntil(String at) {
    liveUntil = at;
  }

  /** Where the status and details read the learner's tasks and the lifetime from (their owners). */
  void learnerView(Supplier<LearnerProgress> progress, Supplier<String> details) {
    learner = progress;
    learnerDetails = details;
  }

  /**
   * The run's request, its lab id, definition and variant published (one upsert); input refused
   * before anything started fails the lab at once.
   */
  LabRequest admit(RawValue input) {
    // Queued before the input is read, so that a run whose input is refused is still found by its
    // lab id (the workflow id); it goes out with the first upsert either way.
    attributes.set(LabSearchAttributes.LAB_ID, labId);
    LabRequest request;
    try {
      request = RequestGate.admit(input);
    } catch (ApplicationFailure invalid) {
      throw fail(invalid.getType(), invalid.getOriginalMessage(), true);
    }
    labId = request.labId();
    runOnFailure = request.onFailure();
    definitionName = attributes.setOrKeep(LabSearchAttributes.DEFINITION, request.definition());
    variant = attributes.setOrKeep(LabSearchAttributes.VARIANT, request.variant());
    attributes.set(LabSearchAttributes.STATE, state.name());
    attributes.flush();
    return request;
  }

  /** What the request resolved to, published with the start of provisioning. */
  void resolved(ResolvedLab resolved) {
    definition = resolved.definition();
    params = resolved.parameters() == null ? Map.of() : resolved.parameters();
    variant = resolved.variant();
    definitionName = definition.name();
    attributes.set(LabSearchAttributes.DEFINITION, definitionName);
    attributes.set(LabSearchAttributes.VARIANT, variant);
    ledger.addPending(definition.steps());
    setState(LabState.PROVISIONING);
  }

  void completed() {
    setState(LabState.COMPLETED);
  }

  /** Every step done; the lab stays up for its keep-alive. */
  void live(Duration keepAlive) {
    liveUntil = Summaries.at(Workflow.currentTimeMillis(), keepAlive);
    setState(LabState.LIVE);
  }

  /** A live lab starts switching to another variant (its steps on change run next). */
  void switching(String newVariant) {
    variant = newVariant;
    attributes.set(LabSearchAttributes.VARIANT, variant);
    setState(LabState.SWITCHING);
    ledger.addPending(definition.onVariantChange());
  }

  void switched() {
    setState(LabState.LIVE);
  }

  void stepFailed(String error) {
    lastError = error;
  }

  void pause(String stepId, String until) {
    pausedStep = stepId;
    pausedUntil = until;
    setState(LabState.PAUSED);
  }

  void decide(Decision d) {
    decision = d;
  }

  /**
   * The pause is over: returns the decision taken (null when none came in time); the lab goes back
   * to {@code phase} for a retry or a skip.
   */
  Decision unpause(boolean decided, LabState phase) {
    Decision taken = decided ? decision : null;
    decision = null;
    pausedStep = null;
    if (taken == Decision.RETRY || taken == Decision.SKIP) {
      setState(phase);
    }
    return taken;
  }

  /** An operator asked to tear the paused lab down: it rolls back as a teardown. */
  void requestTeardown() {
    teardownRequested = true;
    decision = Decision.ROLLBACK;
  }

  /** Something the lab could not apply, for the status, the details and the log; null clears it. */
  void notice(String sentence) {
    if (sentence != null) {
      log.warn("lab {}: {}", labId, sentence);
    }
    notice = sentence;
    publishDetails();
  }

  void rollingBack(boolean teardown) {
    pausedStep = null;
    setState(teardown ? LabState.TEARING_DOWN : LabState.ROLLING_BACK);
  }

  /**
   * The undo is over: the lab ends {@code done} when every undo succeeded, else FAILED, with the
   * summary (if any) as its last error; a {@code LabFailed} failure is what the run ends with.
   */
  void undone(LabState done, boolean clean, String summary, ApplicationFailure got) {
    if (summary != null) {
      lastError = summary;
    }
    if (got != null && FailureTypes.LAB_FAILED.equals(got.getType())) {
      failure = got;
    }
    setState(clean ? done : LabState.FAILED);
  }

  /**
   * The lab fails without (or after) a rollback; returns the failure the run ends with. Only runs
   * that must replay as they were recorded (see {@link Rollback#afterBug}) do not publish it.
   */
  ApplicationFailure fail(String type, String message, boolean publish) {
    lastError = message;
    failure = Failures.reject(type, message);
    if (publish) {
      setState(LabState.FAILED);
    } else {
      state = LabState.FAILED;
    }
    return failure;
  }

  LabResult end() {
    if (failure != null) {
      throw failure;
    }
    return new LabResult(labId, state, ledger.snapshot(false));
  }

  /** Changes the lab state; the search attribute changes with it (one event per change). */
  private void setState(LabState next) {
    if (state != next) {
      stateSince = StateChanges.record(this, stateSince, next);
      state = next;
      attributes.set(LabSearchAttributes.STATE, next.name());
    }
    attributes.flush();
    publishDetails();
  }

  LabStatus status() {
    return new LabStatus(labId, definitionName, variant, state, ledger.snapshot(true), pausedStep,
        lastError, notice, learner.get(), definition == null || definition.variants() == null
            || definition.onVariantChange().isEmpty() ? List.of()
            : definition.variants().keySet().stream().filter(v -> !v.equals(variant)).toList(),
        state == LabState.PAUSED ? pausedUntil : state == LabState.LIVE ? liveUntil : null);
  }

  /** Keeps the Web UI's current details in step with the lab (no history event). */
  void publishDetails() {
    Workflow.setCurrentDetails(LabDetails.render(status(), learnerDetails.get()));
  }

  /** A step's {@code with} (or an undo's) evaluated over the lab's scope as it is now. */
  @SuppressWarnings("unchecked")
  Map<String, Object> evaluate(Map<String, Object> with) {
    Map<String, Object> scope = LabScope.of(definition, labId, Workflow.getInfo().getRunId(),
        Instant.ofEpochMilli(Workflow.getInfo().getRunStartedTimestampMillis()).toString(),
        variant, params, ledger.scope());
    return (Map<String, Object>) Expressions.evaluate(with, scope);
  }

  /** What a failure of this step does: the run's own choice, else the step's. */
  OnFailure onFailure(Step step) {
    return runOnFailure != null ? runOnFailure : step.onFailure();
  }
}
