package io.labflow.workflows.model;

import java.util.List;

/**
 * A group of action steps that run at once; the first branch that fails cancels the others.
 *
 * @param id unique id, lowercase letters, digits and dashes
 * @param parallel the branches, each an {@link ActionStep}; never empty
 * @param onFailure what a failure of a branch does to the group
 * @param line the line of the group in its file, for messages; 0 when unknown
 */
public record ParallelGroup(String id, List<Step> parallel, OnFailure onFailure, int line)
    implements Step {

  public ParallelGroup {
    if (parallel == null || parallel.isEmpty()) {
      throw new IllegalArgumentException("parallel group '" + id + "' needs branches");
    }
    for (Step branch : parallel) {
      if (!(branch instanceof ActionStep)) {
        throw new IllegalArgumentException(
            "parallel group '" + id + "': branch '" + branch.id() + "' is not an action step");
      }
    }
    parallel = List.copyOf(parallel);
  }

  /** The branches, typed. */
  public List<ActionStep> branches() {
    return parallel.stream().map(ActionStep.class::cast).toList();
  }

  @Override
  public ParallelGroup resolvedBy(StepDefaults defaults) {
    StepDefaults d = StepDefaults.orNone(defaults);
    return new ParallelGroup(
        id,
        Step.resolveAll(parallel, d),
        ActionStep.first(onFailure, ActionStep.first(d.onFailure(), OnFailure.ROLLBACK)),
        line);
  }
}
