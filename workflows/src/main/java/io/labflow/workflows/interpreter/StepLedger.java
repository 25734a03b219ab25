package io.labflow.workflows.interpreter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Step;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every step's state and outputs, in the order the steps appear (branches of a parallel group in
 * place of the group). It also holds the {@code steps} scope of expressions.
 */
final class StepLedger {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, StepStatus> steps = new LinkedHashMap<>();
  private final Map<String, Object> scope = new LinkedHashMap<>();
  /** Called after every change of a step's state (the run republishes its details). */
  private final Runnable onChange;

  StepLedger(Runnable onChange) {
    this.onChange = onChange;
  }

  /** Lists steps as PENDING (again, for {@code onVariantChange} steps that ran before). */
  void addPending(List<Step> pending) {
    for (ActionStep action : Step.actions(pending)) {
      steps.remove(action.id());
      steps.put(action.id(),
          new StepStatus(action.id(), action.action(), StepState.PENDING, 0, Map.of(), null));
      scope.remove(action.id());
    }
    onChange.run();
  }

  StepState state(String id) {
    return steps.get(id).state();
  }

  void running(String id) {
    set(id, StepState.RUNNING, 1, steps.get(id).outputs(), null);
  }

  void done(String id, Map<String, Object> outputs, int attempt) {
    Map<String, Object> kept = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    scope.put(id, kept);
    set(id, StepState.DONE, attempt, kept, steps.get(id).lastError());
  }

  void failed(String id, int attempt, String error) {
    StepStatus s = steps.get(id);
    set(id, StepState.FAILED, attempt > 0 ? attempt : s.attempt(), s.outputs(), error);
  }

  /** A skipped step reads as an empty output map, so a later reference to a field of it fails. */
  void skipped(String id) {
    scope.put(id, Map.of());
    set(id, StepState.SKIPPED, steps.get(id).attempt(), Map.of(), steps.get(id).lastError());
  }

  /**
   * The step's undo started (COMPENSATING) or is over: COMPENSATED, or REFUSED when the step was
   * refused and created nothing; {@code note} (or null) says why there was nothing to undo.
   */
  void ended(String id, StepState state, String note) {
    StepStatus s = steps.get(id);
    String error = note == null ? s.lastError()
        : s.lastError() == null ? note : s.lastError() + " (" + note + ")";
    set(id, state, s.attempt(), s.outputs(), error);
  }

  void compensationFailed(String id, String error) {
    StepStatus s = steps.get(id);
    set(id, StepState.COMPENSATION_FAILED, s.attempt(), s.outputs(),
        (s.lastError() == null ? "" : s.lastError() + "; ") + "compensation: " + error);
  }

  /** Whether the step completed with outputs a compensation may read. */
  boolean hasOutputs(String id) {
    return !steps.get(id).outputs().isEmpty();
  }

  /** The {@code steps} root of the expression scope: step id to outputs. */
  Map<String, Object> scope() {
    return scope;
  }

  /** Every step; {@code shown}: with its outputs as the {@code status} query shows them. */
  List<StepStatus> snapshot(boolean shown) {
    return steps.values().stream()
        .map(s -> !shown ? s : new StepStatus(
            s.id(), s.action(), s.state(), s.attempt(), shown(s.outputs()), s.lastError()))
        .toList();
  }

  /**
   * Outputs as the {@code status} query shows them: one that holds a JSON document (a policy's
   * {@code document}, any {@code ...Document}) as the JSON object it is, not as an escaped string.
   * Expressions keep seeing the string the activity returned.
   */
  static Map<String, Object> shown(Map<String, Object> outputs) {
    Map<String, Object> out = new LinkedHashMap<>(outputs);
    out.replaceAll((key, value) ->
        (key.equals("document") || key.endsWith("Document")) && value instanceof String s
                && s.stripLeading().startsWith("{")
            ? parsed(s)
            : value);
    return out;
  }

  private static Object parsed(String json) {
    try {
      return JSON.readValue(json, Map.class);
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  private void set(String id, StepState state, int attempt, Map<String, Object> outputs,
      String error) {
    steps.put(id, new StepStatus(id, steps.get(id).action(), state, attempt, outputs, error));
    onChange.run();
  }
}
