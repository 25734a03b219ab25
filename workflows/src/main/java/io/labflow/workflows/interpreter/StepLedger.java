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

  private static final class Entry {
    final String id;
    final String action;
    StepState state = StepState.PENDING;
    int attempt;
    Map<String, Object> outputs = Map.of();
    String error;

    Entry(String id, String action) {
      this.id = id;
      this.action = action;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, Object> scope = new LinkedHashMap<>();
  /** Called after every change of a step's state (the run republishes its details). */
  private final Runnable onChange;

  StepLedger(Runnable onChange) {
    this.onChange = onChange;
  }

  /** Lists steps as PENDING (again, for {@code onVariantChange} steps that ran before). */
  void addPending(List<Step> steps) {
    for (ActionStep action : Step.actions(steps)) {
      entries.remove(action.id());
      entries.put(action.id(), new Entry(action.id(), action.action()));
      scope.remove(action.id());
    }
    onChange.run();
  }

  StepState state(String id) {
    return entry(id).state;
  }

  void running(String id) {
    Entry e = entry(id);
    e.state = StepState.RUNNING;
    e.attempt = 1;
    e.error = null;
    onChange.run();
  }

  void done(String id, Map<String, Object> outputs, int attempt) {
    Entry e = entry(id);
    e.state = StepState.DONE;
    e.attempt = attempt;
    e.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    scope.put(id, e.outputs);
    onChange.run();
  }

  void failed(String id, int attempt, String error) {
    Entry e = entry(id);
    e.state = StepState.FAILED;
    if (attempt > 0) {
      e.attempt = attempt;
    }
    e.error = error;
    onChange.run();
  }

  /** A skipped step reads as an empty output map, so a later reference to a field of it fails. */
  void skipped(String id) {
    Entry e = entry(id);
    e.state = StepState.SKIPPED;
    e.outputs = Map.of();
    scope.put(id, e.outputs);
    onChange.run();
  }

  void compensating(String id) {
    entry(id).state = StepState.COMPENSATING;
    onChange.run();
  }

  /**
   * The step's undo is over: COMPENSATED, or REFUSED when the step was refused and created nothing;
   * {@code note} (or null) says why there was nothing to undo.
   */
  void ended(String id, StepState state, String note) {
    Entry e = entry(id);
    e.state = state;
    if (note != null) {
      e.error = e.error == null ? note : e.error + " (" + note + ")";
    }
    onChange.run();
  }

  void compensationFailed(String id, String error) {
    Entry e = entry(id);
    e.state = StepState.COMPENSATION_FAILED;
    e.error = e.error == null ? "compensation: " + error : e.error + "; compensation: " + error;
    onChange.run();
  }

  /** Whether the step completed with outputs a compensation may read. */
  boolean hasOutputs(String id) {
    return !entry(id).outputs.isEmpty();
  }

  /** The {@code steps} root of the expression scope: step id to outputs. */
  Map<String, Object> scope() {
    return scope;
  }

  /** Every step; {@code shown}: with its outputs as the {@code status} query shows them. */
  List<StepStatus> snapshot(boolean shown) {
    return entries.values().stream()
        .map(e -> new StepStatus(
            e.id, e.action, e.state, e.attempt, shown ? shown(e.outputs) : e.outputs, e.error))
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

  private Entry entry(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      throw new IllegalStateException("unknown step " + id);
    }
    return e;
  }
}
