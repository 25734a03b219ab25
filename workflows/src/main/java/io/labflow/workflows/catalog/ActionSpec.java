package io.labflow.workflows.catalog;

import java.util.List;
import java.util.Optional;

/**
 * An action the step library declares: the activity type and its input and output fields.
 *
 * @param name the activity type, as written in a step's {@code action}
 * @param inputs the fields a step's {@code with} may hold
 * @param outputs the fields later steps may read as {@code ${steps.ID.FIELD}}
 * @param longRunning whether the action waits (for a stack, for IAM to propagate) and heartbeats
 *     while it does; such an action gets a heartbeat timeout even where the step file gives none,
 *     so that a worker lost in the middle of it is noticed in about a minute, not at the end of
 *     its start-to-close timeout
 */
public record ActionSpec(
    String name, List<FieldSpec> inputs, List<FieldSpec> outputs, boolean longRunning) {

  public Optional<FieldSpec> input(String field) {
    return inputs.stream().filter(f -> f.name().equals(field)).findFirst();
  }

  public Optional<FieldSpec> output(String field) {
    return outputs.stream().filter(f -> f.name().equals(field)).findFirst();
  }
}
