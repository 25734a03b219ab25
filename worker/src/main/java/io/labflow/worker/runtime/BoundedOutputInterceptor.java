package io.labflow.worker.runtime;

import io.labflow.workflows.interpreter.ActivityExecutionInterceptor;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Keeps every step's outputs under {@link InputLimits#MAX_OUTPUT_BYTES}: a larger result fails the
 * step non-retryably with its size, instead of reaching Temporal (whose 2 MiB payload limit would
 * otherwise fail the completion and leave the step to time out) and every later history event.
 * The engine's own activities ({@code labflow.*}: the resolver, the reset's steps) are exempt: their
 * inputs are bounded where they enter.
 */
public final class BoundedOutputInterceptor extends ActivityExecutionInterceptor {

  @Override
  protected ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution) {
    ActivityOutput output = execution.get();
    String activityType = activityType(info);
    if (activityType.startsWith("labflow.") || output == null) {
      return output;
    }
    long size = InputLimits.jsonBytes(output.getResult());
    if (size > InputLimits.MAX_OUTPUT_BYTES) {
      throw ApplicationFailure.newNonRetryableFailure(
          activityType
              + " returned "
              + InputLimits.bytes(size)
              + " of outputs; a step's outputs may be at most "
              + InputLimits.bytes(InputLimits.MAX_OUTPUT_BYTES),
          FailureTypes.OUTPUT_TOO_LARGE);
    }
    return output;
  }
}
