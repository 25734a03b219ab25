package io.labflow.workflows.interpreter;

import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.Step;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one lab run knows about itself: its request, its definition, its state and the operator's
 * pending decision. The interpreter's parts share it; it changes only on the workflow thread.
 *
 * <p>The search attribute {@code LabState} changes only when the lab's state changes, never per
 * step, which keeps a successful run of N steps within 6N+12 history events.
 */
final class LabRun {

  /** Lab states after which nothing more runs. */
  static final Set<LabState> FINAL =
      Set.of(LabState.COMPLETED, LabState.ROLLED_BACK, LabState.TORN_DOWN, LabState.FAILED);

  /** The failure type of a lab that failed (rolled back or not). */
  static final String LAB_FAILED = "LabFailed";

  /** The version from which a rollback that threw publishes the FAILED state. */
  static final String PUBLISH_FAILED_ROLLBACK = "publish-state-of-a-failed-rollback";

  final StepLedger ledger = new StepLedger();
  final SearchAttributeBatch attributes = new SearchAttributeBatch();

  String labId;
  String definitionName;
  String variant;
  LabState state = LabState.RESOLVING;
  Definition definition;
  Map<String, Object> params = Map.of();
  String pausedStep;
  String lastError;
  Decision decision;
  boolean teardownRequested;
  /** Set when the lab ends in failure: the message the workflow fails with. */
  String failureSummary;
  String failureType = LAB_FAILED;
  /** The run's own failure handling (the request's onFailure), over the steps'; or null. */
  OnFailure runOnFailure;
  /** The last request the lab could not apply, for the status. */
  String notice;
  /** When a live lab's keep-alive runs out, for the details. */
  String liveUntil;
  /** The learner's tasks and score, for the status; null for a lab without tasks. */
  LearnerProgress learner;
  /** The learner's part of the details (tasks, current instructions, last check); or null. */
  String learnerDetails;
  /** When a live lab's keep-alive runs out (workflow time, ms); 0 when not known. */
  long expiresAt;
  /** Whether the lab warned that its keep-alive runs out soon. */
  boolean expiryWarned;
  /** When the lab entered its state (workflow time, ms); 0 before the first change. */
  long stateSince;

  boolean isFinal() {
    return FINAL.contains(state);
  }

  /** The run's request; input refused before anything started fails the lab at once. */
  LabRequest admit(RawValue input) {
    try {
      return RequestGate.admit(input);
    } catch (ApplicationFailure invalid) {
      lastError = invalid.getOriginalMessage();
      setState(LabState.FAILED);
      throw invalid;
    }
  }

  /** Changes the lab state; the search attribute changes with it (one event per change). */
  void setState(LabState next) {
    if (state != next) {
      StateChanges.record(this, state, next);
      state = next;
      attributes.set(LabSearchAttributes.STATE, next.name());
    }
    attributes.flush();
    publishDetails();
  }

  /**
   * Ends the lab FAILED when its rollback itself threw. Runs from before version 1 set the state
   * without publishing it (no upsert); they replay so.
   */
  void failedRollback() {
    if (Workflow.getVersion(PUBLISH_FAILED_ROLLBACK, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      state = LabState.FAILED;
    } else {
      setState(LabState.FAILED);
    }
  }

  LabStatus status() {
    return new LabStatus(
        labId,
        definitionName,
        variant,
        state,
        StatusView.of(ledger.snapshot()),
        pausedStep,
        lastError,
        notice,
        learner);
  }

  /** Keeps the Web UI's current details in step with the lab (no history event). */
  void publishDetails() {
    List<String> variants =
        definition == null || definition.variants() == null
            ? List.of()
            : List.copyOf(definition.variants().keySet());
    String learnerPart = learnerDetails == null ? "" : learnerDetails;
    if (LabLifetime.shows(this)) {
      learnerPart += LearnerDetails.timeLeft(
          Duration.ofMillis(expiresAt - Workflow.currentTimeMillis()), liveUntil, expiryWarned);
    }
    Workflow.setCurrentDetails(LabDetails.render(status(), liveUntil, variants, learnerPart));
  }

  /** A step's {@code with} (or an undo's) evaluated over the lab's scope as it is now. */
  @SuppressWarnings("unchecked")
  Map<String, Object> evaluate(Map<String, Object> with) {
    Map<String, Object> scope =
        LabScope.of(definition, labId, Workflow.getInfo().getRunId(), startedAt(), variant, params,
            ledger.scope());
    return (Map<String, Object>) Expressions.evaluate(with, scope);
  }

  /** The run's start, ISO-8601: {@code ${lab.startedAt}} (recorded in history, so deterministic). */
  static String startedAt() {
    return java.time.Instant.ofEpochMilli(Workflow.getInfo().getRunStartedTimestampMillis())
        .toString();
  }

  /** What a failure of this step does: the run's own choice, else the step's. */
  OnFailure onFailure(Step step) {
    return runOnFailure != null ? runOnFailure : step.onFailure();
  }

  /** How long a pause waits for an operator; null waits until one decides. */
  Duration pauseTimeout() {
    return definition.defaults().pauseTimeout();
  }
}
