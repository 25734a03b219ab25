package io.labflow.workflows.interpreter;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
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
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The interpreter: runs any {@link Definition} step by step, as a saga.
 *
 * <p>Each step is an activity whose type is the step's action, called through an untyped stub with
 * the step's {@code with} evaluated over {@code params}, {@code variant}, {@code lab} and {@code
 * steps}. A step's compensation is registered before the step is called, so a step that times out
 * after creating its resource is still undone. Rollbacks run in a detached cancellation scope so
 * that cancelling the lab cannot stop them.
 *
 * <p>The search attribute {@code LabState} changes only when the lab's state changes, never per
 * step, which keeps a successful run of N steps within 6N+12 history events.
 */
public class LabWorkflowImpl implements LabWorkflow {

  private static final Logger log = Workflow.getLogger(LabWorkflowImpl.class);

  /** Lab states after which nothing more runs. */
  private static final Set<LabState> FINAL =
      Set.of(LabState.COMPLETED, LabState.ROLLED_BACK, LabState.TORN_DOWN, LabState.FAILED);

  /** The failure type of a lab that failed (rolled back or not). */
  static final String LAB_FAILED = "LabFailed";

  private final DefinitionActivities resolver =
      Workflow.newLocalActivityStub(DefinitionActivities.class, DefinitionActivities.OPTIONS);

  private final StepLedger ledger = new StepLedger();
  private final List<Registered> compensations = new ArrayList<>();
  private final List<Promise<?>> inFlight = new ArrayList<>();
  private final List<SearchAttributeUpdate<?>> pendingUpserts = new ArrayList<>();
  /** Serialises switchVariant, teardown and the keep-alive expiry: one at a time. */
  private final WorkflowLock lock = Workflow.newWorkflowLock();

  private String labId;
  private String definitionName;
  private String variant;
  private LabState state = LabState.RESOLVING;
  private Definition definition;
  private Map<String, Object> params = Map.of();
  private String pausedStep;
  private String lastError;
  private Decision decision;
  private boolean teardownRequested;
  /** Set when the lab ends in failure: the message the workflow fails with. */
  private String failureSummary;
  private String failureType = LAB_FAILED;
  /** The run's own failure handling (the request's onFailure), over the definition's; or null. */
  private OnFailure runOnFailure;
  /** The last request the lab could not apply, for the status. */
  private String notice;
  /** When a live lab's keep-alive runs out, for the details. */
  private String liveUntil;

  /** A compensation registered for a step that started; {@code ran} once rollback tried it. */
  private static final class Registered {
    final Step step;
    boolean ran;

    Registered(Step step) {
      this.step = step;
    }
  }

  /** How a step (or a parallel group, through its first failing branch) failed. */
  private record StepFailure(String stepId, String action, String message, boolean refused) {
    String head() {
      return "step '" + stepId + "' (" + action + ") " + (refused ? "refused" : "failed") + ": "
          + message;
    }
  }

  /** Steps whose last forward attempt was refused before changing anything (see Failures). */
  private final Set<String> refused = new HashSet<>();

  // ---------------------------------------------------------------- workflow method

  @Override
  public LabResult run(Object input) {
    LabRequest request;
    try {
      request = RequestGate.admit(input);
    } catch (ApplicationFailure invalid) {
      lastError = invalid.getOriginalMessage();
      state = LabState.FAILED;
      upsert(value(LabSearchAttributes.STATE, state.name()));
      throw invalid;
    }
    labId = request.labId();
    ledger.onChange(this::publishDetails);
    definitionName = request.definition();
    variant = request.variant();
    upsert(
        value(LabSearchAttributes.LAB_ID, labId),
        value(LabSearchAttributes.DEFINITION, definitionName),
        value(LabSearchAttributes.VARIANT, variant),
        value(LabSearchAttributes.STATE, state.name()));
    try {
      resolve(request);
      ledger.addPending(definition.steps());
      setState(LabState.PROVISIONING);
      runSteps(definition.steps(), LabState.PROVISIONING);
      if (definition.keepAlive() == null) {
        setState(LabState.COMPLETED);
      } else {
        stayLive();
      }
    } catch (CanceledFailure cancelled) {
      rollBackCancelledLab();
      throw cancelled;
    } catch (RuntimeException e) {
      if (!FINAL.contains(state)) {
        failUnexpectedly(e);
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (failureSummary != null) {
      throw Rejections.fail(failureType, failureSummary);
    }
    return new LabResult(labId, state, ledger.snapshot());
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
      lastError = message;
      failureSummary = message;
      failureType = type;
      setState(LabState.FAILED);
      throw ApplicationFailure.newNonRetryableFailure(message, type);
    }
    definition = resolved.definition();
    if (request.onFailure() != null) {
      runOnFailure = OnFailure.valueOf(request.onFailure().toUpperCase(java.util.Locale.ROOT));
    }
    params = resolved.parameters() == null ? Map.of() : resolved.parameters();
    variant = resolved.variant();
    definitionName = definition.name();
    // Folded into the PROVISIONING state change that follows: no extra history event.
    pendingUpserts.add(value(LabSearchAttributes.DEFINITION, definitionName));
    pendingUpserts.add(value(LabSearchAttributes.VARIANT, variant));
  }

  private void stayLive() {
    liveUntil = Summaries.at(Workflow.currentTimeMillis(), definition.keepAlive());
    setState(LabState.LIVE);
    boolean ended =
        LabeledTimer.await(
            definition.keepAlive(),
            Summaries.keepAlive(Workflow.currentTimeMillis(), definition.keepAlive()),
            () -> FINAL.contains(state));
    if (!ended) {
      lock.lock();
      try {
        if (state == LabState.LIVE) {
          log.info("lab {}: keep-alive of {} is over, tearing down", labId, definition.keepAlive());
          tearDown();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- steps

  private void runSteps(List<Step> steps, LabState phase) {
    for (Step step : steps) {
      runUnit(step, phase);
    }
  }

  /** Runs a step or a group until it is done or skipped; a rollback ends in a thrown failure. */
  private void runUnit(Step step, LabState phase) {
    while (true) {
      StepFailure failure = step.isParallel() ? runGroup(step) : runAction(step);
      if (failure == null) {
        return;
      }
      lastError = failure.head();
      OnFailure policy = onFailure(step);
      Decision next = Decision.ROLLBACK;
      String note = "";
      if (policy == OnFailure.PAUSE) {
        next = pause(step.id(), phase);
        if (next == null) {
          next = Decision.ROLLBACK;
          note = " (no decision within the pause timeout of " + pauseTimeout() + ")";
        }
      }
      switch (next) {
        case RETRY -> log.info("lab {}: retrying step {}", labId, step.id());
        case SKIP -> {
          skip(step);
          return;
        }
        case ROLLBACK -> throw endInRollback(failure.head() + note, failure.refused());
      }
    }
  }

  private StepFailure runAction(Step step) {
    failIfCancelled();
    Map<String, Object> input;
    try {
      input = evaluate(step.with());
    } catch (ExpressionException e) {
      String message = "InvalidInput: " + e.getMessage();
      ledger.failed(step.id(), 0, message);
      return new StepFailure(step.id(), step.action(), message, false);
    }
    if (step.compensate() != null && compensations.stream().noneMatch(r -> r.step == step)) {
      compensations.add(new Registered(step));
    }
    ledger.running(step.id());
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> outputs =
          Workflow.newUntypedActivityStub(
                  StepOptions.forStep(step, defaults(), Summaries.step(step, input)))
              .execute(step.action(), Map.class, input);
      StepAttempts.Split result = StepAttempts.split(outputs);
      ledger.done(step.id(), result.outputs(), result.attempt());
      refused.remove(step.id());
      return null;
    } catch (ActivityFailure e) {
      if (Failures.isCancellation(e)) {
        ledger.failed(step.id(), 0, "cancelled");
        throw (CanceledFailure) Failures.root(e);
      }
      String message = Failures.describe(e);
      int attempts = Failures.attempts(e, StepOptions.maximumAttempts(step, defaults()), 0);
      ledger.failed(step.id(), attempts, message);
      boolean refusal = Failures.isRefusal(e);
      if (refusal) {
        refused.add(step.id());
      } else {
        refused.remove(step.id());
      }
      return new StepFailure(step.id(), step.action(), message, refusal);
    }
  }

  /**
   * Runs the branches of a group at once inside a cancellation scope; the first branch that fails
   * cancels the others, and the group waits for every branch to end before it reports.
   */
  private StepFailure runGroup(Step group) {
    failIfCancelled();
    List<Step> branches = new ArrayList<>();
    for (Step branch : group.parallel()) {
      if (ledger.state(branch.id()) != StepState.DONE) {
        branches.add(branch);
      }
    }
    List<Promise<StepFailure>> results = new ArrayList<>();
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> {
              for (Step branch : branches) {
                results.add(Async.function(this::runAction, branch));
              }
            });
    scope.run();
    inFlight.addAll(results);
    Workflow.await(
        () -> allCompleted(results) || firstFailure(results) != null || anyUnexpected(results));
    StepFailure first = firstFailure(results);
    if ((first != null || anyUnexpected(results)) && !allCompleted(results)) {
      scope.cancel("branch '" + first.stepId() + "' failed");
    }
    Workflow.await(() -> allCompleted(results));
    inFlight.removeAll(results);
    rethrowUnexpected(results);
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).getFailure() instanceof CanceledFailure) {
        String id = branches.get(i).id();
        String why = first == null ? "" : ": branch '" + first.stepId() + "' failed";
        ledger.failed(id, 0, "cancelled" + why);
      }
    }
    return first;
  }

  private static boolean allCompleted(List<? extends Promise<?>> promises) {
    for (Promise<?> p : promises) {
      if (!p.isCompleted()) {
        return false;
      }
    }
    return true;
  }

  /** The failure of the first branch (in file order) that failed on its own. */
  private static StepFailure firstFailure(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      if (p.isCompleted() && p.getFailure() == null && p.get() != null) {
        return p.get();
      }
    }
    return null;
  }

  /** Rethrows a branch's unexpected exception (a bug); the workflow method reports it. */
  private static void rethrowUnexpected(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      RuntimeException failure = p.getFailure();
      if (failure != null && !(failure instanceof CanceledFailure)) {
        throw failure;
      }
    }
  }

  private static boolean anyUnexpected(List<Promise<StepFailure>> results) {
    for (Promise<StepFailure> p : results) {
      RuntimeException failure = p.isCompleted() ? p.getFailure() : null;
      if (failure != null && !(failure instanceof CanceledFailure)) {
        return true;
      }
    }
    return false;
  }

  private void skip(Step step) {
    if (step.isParallel()) {
      for (Step branch : step.parallel()) {
        if (ledger.state(branch.id()) != StepState.DONE) {
          ledger.skipped(branch.id());
        }
      }
    } else {
      ledger.skipped(step.id());
    }
    log.info("lab {}: step {} skipped by the operator", labId, step.id());
  }

  // ---------------------------------------------------------------- pause

  /** Waits for an operator; returns null when the pause timed out. */
  private Decision pause(String stepId, LabState phase) {
    pausedStep = stepId;
    decision = null;
    setState(LabState.PAUSED);
    Duration timeout = pauseTimeout();
    boolean decided;
    if (timeout == null) {
      Workflow.await(() -> decision != null);
      decided = true;
    } else {
      decided =
          LabeledTimer.awaitThenCancel(
              timeout,
              Summaries.pause(stepId, Workflow.currentTimeMillis(), timeout),
              () -> decision != null);
    }
    Decision taken = decided ? decision : null;
    decision = null;
    pausedStep = null;
    if (taken == Decision.RETRY || taken == Decision.SKIP) {
      setState(phase);
    }
    return taken;
  }

  // ---------------------------------------------------------------- rollback

  /**
   * Rolls back everything started and returns the failure to throw. The lab's end state is
   * ROLLED_BACK when every compensation succeeded and FAILED otherwise (TORN_DOWN when an operator
   * asked for a teardown of the paused lab).
   */
  private ApplicationFailure endInRollback(String head, boolean refusal) {
    boolean teardown = teardownRequested;
    setState(teardown ? LabState.TEARING_DOWN : LabState.ROLLING_BACK);
    RollbackReport report = rollBack();
    String summary =
        head
            + "; "
            + (refusal && !teardown && report.clean()
                ? report.describeRefusal()
                : report.describe(teardown ? "torn down" : "rolled back"));
    lastError = summary;
    if (teardown && report.clean()) {
      setState(LabState.TORN_DOWN);
      return ApplicationFailure.newNonRetryableFailure(
          "the lab was torn down while paused: " + summary, "LabTornDown");
    }
    setState(report.clean() && !teardown ? LabState.ROLLED_BACK : LabState.FAILED);
    failureSummary = summary;
    return ApplicationFailure.newNonRetryableFailure(summary, LAB_FAILED);
  }

  /** Runs every registered compensation not yet run, newest first, in a detached scope. */
  private RollbackReport rollBack() {
    List<String> undone = new ArrayList<>();
    List<String> nothing = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    Workflow.newDetachedCancellationScope(
            () -> {
              for (int i = compensations.size() - 1; i >= 0; i--) {
                Registered r = compensations.get(i);
                if (r.ran) {
                  continue;
                }
                r.ran = true;
                compensate(r.step, undone, nothing, failed);
              }
            })
        .run();
    return new RollbackReport(List.copyOf(undone), List.copyOf(nothing), List.copyOf(failed));
  }

  private void compensate(
      Step step, List<String> undone, List<String> nothing, List<String> failed) {
    Compensation c = step.compensate();
    String id = step.id();
    ledger.compensating(id);
    Map<String, Object> input;
    try {
      input = evaluate(c.with());
    } catch (ExpressionException e) {
      if (referencesOwnOutputs(c.with(), id) && !ledger.hasOutputs(id)) {
        ledger.compensated(id, "nothing to undo: the step produced no outputs");
        nothing.add(id);
      } else {
        ledger.compensationFailed(id, "InvalidInput: " + e.getMessage());
        failed.add(id + " (" + c.action() + ": InvalidInput: " + e.getMessage() + ")");
      }
      return;
    }
    try {
      Workflow.newUntypedActivityStub(
              StepOptions.forCompensation(c, defaults(), Summaries.undo(step, input)))
          .execute(c.action(), Map.class, input);
      ledger.compensated(id, null);
      undone.add(id);
    } catch (ActivityFailure e) {
      String message = Failures.describe(e);
      if (refused.contains(id) && ledger.state(id) != StepState.DONE && Failures.isRefusal(e)) {
        // The step was refused before it changed anything, and its undo refuses the same
        // resource: it is someone else's, and nothing of the lab's own is there to undo.
        ledger.compensated(id, "nothing to undo: the step was refused and created nothing");
        nothing.add(id);
        return;
      }
      ledger.compensationFailed(id, message);
      failed.add(id + " (" + c.action() + ": " + message + ")");
      log.warn("lab {}: compensation of {} failed: {}", labId, id, message);
    }
  }

  private static boolean referencesOwnOutputs(Object template, String stepId) {
    if (template instanceof String s) {
      for (Reference ref : Expressions.references(s)) {
        List<String> path = ref.path();
        if (path.size() >= 2 && path.get(0).equals("steps") && path.get(1).equals(stepId)) {
          return true;
        }
      }
      return false;
    }
    if (template instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(v -> referencesOwnOutputs(v, stepId));
    }
    if (template instanceof List<?> list) {
      return list.stream().anyMatch(v -> referencesOwnOutputs(v, stepId));
    }
    return false;
  }

  /** After a cancellation: waits for running branches, then undoes everything started. */
  private void rollBackCancelledLab() {
    Workflow.newDetachedCancellationScope(
            () -> {
              if (state == LabState.PAUSED) {
                // A switch paused in an update handler rolls back itself on this decision.
                decision = Decision.ROLLBACK;
              }
              Workflow.await(() -> allCompleted(inFlight));
              lock.lock();
              try {
                if (!FINAL.contains(state)) {
                  pausedStep = null;
                  setState(LabState.ROLLING_BACK);
                  RollbackReport report = rollBack();
                  lastError = "lab cancelled; " + report.describe("rolled back");
                  setState(report.clean() ? LabState.ROLLED_BACK : LabState.FAILED);
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
    log.error("lab {}: unexpected error in the interpreter", labId, e);
    try {
      throw endInRollback("internal error: " + message, false);
    } catch (ApplicationFailure ended) {
      // The summary is in failureSummary; the workflow fails with it below.
    } catch (RuntimeException again) {
      failureSummary =
          "internal error: " + message + "; rollback failed too: " + again.getMessage();
      state = LabState.FAILED;
    }
  }

  // ---------------------------------------------------------------- live lab

  private void tearDown() {
    setState(LabState.TEARING_DOWN);
    RollbackReport report = rollBack();
    if (report.clean()) {
      setState(LabState.TORN_DOWN);
      return;
    }
    failureSummary = "teardown of lab " + labId + " incomplete; " + report.describe("torn down");
    lastError = failureSummary;
    setState(LabState.FAILED);
    throw ApplicationFailure.newNonRetryableFailure(failureSummary, LAB_FAILED);
  }

  @Override
  public LabStatus switchVariant(Object requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    lock.lock();
    try {
      if (state != LabState.LIVE) {
        throw Rejections.reject(
            Rejections.NOT_LIVE, "lab " + labId + " is no longer live (" + state + ")");
      }
      if (newVariant.equals(variant)) {
        return status();
      }
      variant = newVariant;
      state = LabState.SWITCHING;
      upsert(
          value(LabSearchAttributes.STATE, state.name()),
          value(LabSearchAttributes.VARIANT, variant));
      List<Step> steps =
          definition.onVariantChange() == null ? List.of() : definition.onVariantChange();
      ledger.addPending(steps);
      runSteps(steps, LabState.SWITCHING);
      setState(LabState.LIVE);
      return status();
    } catch (TemporalFailure e) {
      throw e;
    } catch (RuntimeException e) {
      failUnexpectedly(e);
      throw ApplicationFailure.newNonRetryableFailure(failureSummary, LAB_FAILED);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LabStatus teardown() {
    if (state == LabState.PAUSED) {
      teardownRequested = true;
      decision = Decision.ROLLBACK;
      Workflow.await(() -> FINAL.contains(state));
      return status();
    }
    lock.lock();
    try {
      if (state != LabState.LIVE) {
        throw Rejections.reject(
            Rejections.NOT_LIVE, "lab " + labId + " is no longer live (" + state + ")");
      }
      tearDown();
      return status();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- operator decisions

  @Override
  public LabStatus resume(Object requested) {
    Decision d = argument(() -> Arguments.decision(requested));
    if (state != LabState.PAUSED || decision != null) {
      throw Rejections.reject(
          Rejections.NOT_PAUSED, "lab " + labId + " is not paused (" + state + ")");
    }
    decision = d;
    Workflow.await(() -> decision == null || FINAL.contains(state));
    return status();
  }

  @Override
  public void decide(Object requested) {
    Decision d;
    try {
      d = Arguments.decision(requested);
    } catch (IllegalArgumentException wrong) {
      notice =
          "signal decide ignored: "
              + wrong.getMessage()
              + "; use the Update resume, which says so at once";
      log.warn("lab {}: {}", labId, notice);
      publishDetails();
      return;
    }
    if (state == LabState.PAUSED && decision == null) {
      decision = d;
      notice = null;
    } else {
      notice =
          "decision "
              + d
              + " (signal decide) ignored: lab "
              + labId
              + (d == null ? " needs RETRY, SKIP or ROLLBACK" : " is not paused (" + state + ")")
              + "; use the Update resume, which says so at once";
      log.warn("lab {}: {}", labId, notice);
      publishDetails();
    }
  }

  // ---------------------------------------------------------------- validators

  /** Rejects a decision unless a step is waiting for one. */
  @Override
  public void validateResume(Object requested) {
    argument(() -> Arguments.decision(requested));
    if (state != LabState.PAUSED || decision != null) {
      throw Rejections.reject(
          Rejections.NOT_PAUSED, "lab " + labId + " is not paused (" + state + ")");
    }
  }

  /** Rejects a switch unless the lab is live and the variant is another existing one. */
  @Override
  public void validateSwitchVariant(Object requested) {
    String newVariant = argument(() -> Arguments.variant(requested));
    if (state != LabState.LIVE) {
      throw Rejections.reject(
          Rejections.NOT_LIVE, "lab " + labId + " is not live (" + state + ")");
    }
    Map<String, Map<String, Object>> variants = definition.variants();
    if (newVariant == null || variants == null || !variants.containsKey(newVariant)) {
      throw Rejections.reject(
          Rejections.INVALID_ARGUMENT,
          "unknown variant '"
              + newVariant
              + "'; known: "
              + (variants == null ? "none" : variants.keySet()));
    }
    if (newVariant.equals(variant)) {
      throw Rejections.reject(
          Rejections.INVALID_ARGUMENT, "lab " + labId + " already runs variant " + newVariant);
    }
  }

  /** Rejects a teardown unless the lab is live or paused. */
  @Override
  public void validateTeardown() {
    if (state != LabState.LIVE && state != LabState.PAUSED) {
      throw Rejections.reject(
          Rejections.NOT_LIVE,
          "lab " + labId + " can be torn down only when live or paused (" + state + ")");
    }
  }

  @Override
  public LabStatus status() {
    return new LabStatus(
        labId,
        definitionName,
        variant,
        state,
        StatusView.of(ledger.snapshot()),
        pausedStep,
        lastError,
        notice);
  }

  /** Keeps the Web UI's current details in step with the lab (no history event). */
  private void publishDetails() {
    List<String> variants =
        definition == null || definition.variants() == null
            ? List.of()
            : List.copyOf(definition.variants().keySet());
    Workflow.setCurrentDetails(LabDetails.render(status(), liveUntil, variants));
  }

  // ---------------------------------------------------------------- helpers

  /** Reads an update's argument; a wrong one is rejected with the reader's sentence. */
  private static <T> T argument(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException wrong) {
      throw Rejections.reject(Rejections.INVALID_ARGUMENT, wrong.getMessage());
    }
  }

  private void failIfCancelled() {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("lab cancelled");
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> evaluate(Map<String, Object> with) {
    if (with == null) {
      return new LinkedHashMap<>();
    }
    Map<String, Object> lab = new LinkedHashMap<>();
    lab.put("labId", labId);
    lab.put("runId", Workflow.getInfo().getRunId());
    lab.put("definition", definitionName);
    lab.put("variant", variant);
    Map<String, Object> variantValues = new LinkedHashMap<>();
    Map<String, Map<String, Object>> variants = definition.variants();
    if (variant != null && variants != null && variants.get(variant) != null) {
      variantValues.putAll(variants.get(variant));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("params", params);
    scope.put("variant", variantValues);
    scope.put("lab", lab);
    scope.put("steps", ledger.scope());
    return (Map<String, Object>) Expressions.evaluate(with, scope);
  }

  private StepDefaults defaults() {
    return definition.defaults();
  }

  private OnFailure onFailure(Step step) {
    if (runOnFailure != null) {
      return runOnFailure;
    }
    if (step.onFailure() != null) {
      return step.onFailure();
    }
    StepDefaults d = defaults();
    return d != null && d.onFailure() != null ? d.onFailure() : OnFailure.ROLLBACK;
  }

  private Duration pauseTimeout() {
    StepDefaults d = defaults();
    return d == null ? null : d.pauseTimeout();
  }

  /** Changes the lab state; the search attribute changes with it (one event per change). */
  private void setState(LabState next) {
    if (state != next) {
      state = next;
      pendingUpserts.add(value(LabSearchAttributes.STATE, next.name()));
    }
    if (!pendingUpserts.isEmpty()) {
      upsert(pendingUpserts.toArray(new SearchAttributeUpdate<?>[0]));
      pendingUpserts.clear();
    }
    publishDetails();
  }

  private static SearchAttributeUpdate<String> value(SearchAttributeKey<String> key, String v) {
    return v == null ? key.valueUnset() : key.valueSet(v);
  }

  private void upsert(SearchAttributeUpdate<?>... updates) {
    Workflow.upsertTypedSearchAttributes(updates);
  }

}
