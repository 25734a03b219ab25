package io.labflow.workflows.lab;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Resolves a lab request into a validated definition, outside workflow code. */
@ActivityInterface
public interface DefinitionActivities {

  /**
   * Loads the definition named by the request (or its inline YAML), validates it and the request's
   * variant and parameters.
   *
   * @throws io.temporal.failure.ApplicationFailure of type {@code InvalidDefinition} or {@code
   *     InvalidRequest}, non-retryable, whose message lists every problem as {@code
   *     FILE:LINE:COLUMN: message}
   */
  @ActivityMethod(name = "labflow.ResolveDefinition")
  ResolvedLab resolve(LabRequest request);
}
