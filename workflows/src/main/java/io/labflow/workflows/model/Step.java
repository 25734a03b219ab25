package io.labflow.workflows.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.stream.Stream;

/**
 * One step of a definition: an {@link ActionStep} or a {@link ParallelGroup} of action steps. Code
 * that treats the kinds differently tells them apart by type.
 *
 * <p>A {@link Definition} resolves its steps against its defaults when it is built, so every step
 * it holds carries the options it runs with; nothing is inherited at run time.
 */
@JsonDeserialize(using = StepJson.class)
public sealed interface Step permits ActionStep, ParallelGroup {

  /** Unique id, lowercase letters, digits and dashes. */
  String id();

  /** What a failure of this step does (already resolved against the defaults). */
  OnFailure onFailure();

  /** The line of the step in its file, for messages; 0 when unknown. */
  int line();

  /** This step resolved against a definition's defaults (idempotent). */
  Step resolvedBy(StepDefaults defaults);

  /** The action steps of a list in order, the branches of a group in its place. */
  static List<ActionStep> actions(List<Step> steps) {
    return steps.stream().flatMap(s -> s instanceof ParallelGroup group ? group.parallel().stream()
        : Stream.of((ActionStep) s)).toList();
  }

  /** Resolves every step of a list; null is the empty list. */
  static List<Step> resolveAll(List<Step> steps, StepDefaults defaults) {
    return steps == null ? List.of() : steps.stream().map(s -> s.resolvedBy(defaults)).toList();
  }
}
