package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One step of a definition: an {@link ActionStep} or a {@link ParallelGroup} of action steps.
 *
 * <p>A {@link Definition} resolves its steps against its defaults when it is built, so every step
 * it holds carries the options it runs with; nothing is inherited at run time.
 */
public sealed interface Step permits ActionStep, ParallelGroup {

  /** Unique id, lowercase letters, digits and dashes. */
  String id();

  /** What a failure of this step does (already resolved against the defaults). */
  OnFailure onFailure();

  /** The line of the step in its file, for messages; 0 when unknown. */
  int line();

  /** The branches of a parallel group; empty for an action step. */
  default List<Step> parallel() {
    return List.of();
  }

  /** Whether this step is a parallel group rather than an action. */
  @JsonIgnore
  default boolean isParallel() {
    return !parallel().isEmpty();
  }

  /** This step resolved against a definition's defaults (idempotent). */
  Step resolvedBy(StepDefaults defaults);

  /**
   * A step as written (and as stored in payloads before steps were sealed): a parallel group when
   * {@code parallel} holds branches, else an action step. Null options inherit until the step is
   * resolved by its {@link Definition}.
   */
  @JsonCreator
  static Step of(
      @JsonProperty("id") String id,
      @JsonProperty("action") String action,
      @JsonProperty("with") Map<String, Object> with,
      @JsonProperty("retry") RetrySpec retry,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("scheduleToClose") Duration scheduleToClose,
      @JsonProperty("heartbeat") Duration heartbeat,
      @JsonProperty("compensate") Compensation compensate,
      @JsonProperty("onFailure") OnFailure onFailure,
      @JsonProperty("parallel") List<Step> parallel,
      @JsonProperty("line") int line) {
    if (parallel != null && !parallel.isEmpty()) {
      return new ParallelGroup(id, parallel, onFailure, line);
    }
    return new ActionStep(
        id, action, with, retry, timeout, scheduleToClose, heartbeat, compensate, onFailure, line);
  }

  /** The action steps of a list in order, the branches of a group in its place; null is none. */
  static List<ActionStep> actions(List<Step> steps) {
    List<ActionStep> out = new ArrayList<>();
    for (Step s : steps == null ? List.<Step>of() : steps) {
      if (s instanceof ActionStep a) {
        out.add(a);
      } else {
        out.addAll(actions(s.parallel()));
      }
    }
    return out;
  }

  /** Resolves every step of a list; null is the empty list. */
  static List<Step> resolveAll(List<Step> steps, StepDefaults defaults) {
    return steps == null ? List.of() : steps.stream().map(s -> s.resolvedBy(defaults)).toList();
  }
}
