package io.labflow.workflows.lab;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Resolves a lab request into a validated definition, outside workflow code. */
@ActivityInterface
public interface DefinitionActivities {

  /**
   * How workflows run {@link #resolve}: a local activity (the definition is read where the worker
   * is), retried briefly for I/O, never for a bad definition or request.
   */
  LocalActivityOptions OPTIONS =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumAttempts(3)
                  .setDoNotRetry(FailureTypes.INVALID_DEFINITION, FailureTypes.INVALID_REQUEST)
                  .build())
          .build();

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
