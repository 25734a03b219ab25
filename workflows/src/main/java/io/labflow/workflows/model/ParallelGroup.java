package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/** A group of action steps that run at once; the first branch that fails cancels the others. */
@JsonDeserialize // its own record fields, not the StepJson it would inherit from Step
@JsonIgnoreProperties(ignoreUnknown = true) // old payloads wrote null action fields on groups
public record ParallelGroup(String id, List<ActionStep> parallel, OnFailure onFailure, int line)
    implements Step {

  public ParallelGroup {
    if (parallel == null || parallel.isEmpty()) {
      throw new IllegalArgumentException("parallel group '" + id + "' needs branches");
    }
  }

  @Override
  public ParallelGroup resolvedBy(StepDefaults defaults) {
    StepDefaults d = StepDefaults.orNone(defaults);
    return new ParallelGroup(id, parallel.stream().map(branch -> branch.resolvedBy(d)).toList(),
        ActionStep.first(onFailure, ActionStep.first(d.onFailure(), OnFailure.ROLLBACK)), line);
  }
}
