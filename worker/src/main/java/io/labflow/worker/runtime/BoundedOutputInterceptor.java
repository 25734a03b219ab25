package io.labflow.worker.runtime;

import io.labflow.workflows.input.InputLimits;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;

/**
 * Keeps every step's outputs under {@link InputLimits#MAX_OUTPUT_BYTES}: a larger result fails the
 * step non-retryably with its size, instead of reaching Temporal (whose 2 MiB payload limit would
 * otherwise fail the completion and leave the step to time out) and every later history event.
 * The engine's own activities ({@code labflow.*}: the resolver, the reset's steps) are exempt: their
 * inputs are bounded where they enter.
 */
public final class BoundedOutputInterceptor extends WorkerInterceptorBase {

  /** The failure type of a step whose outputs are too large. */
  public static final String OUTPUT_TOO_LARGE = "OutputTooLarge";

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String activityType = "?";

      @Override
      public void init(ActivityExecutionContext context) {
        activityType = context.getInfo().getActivityType();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityOutput output = super.execute(input);
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
              OUTPUT_TOO_LARGE);
        }
        return output;
      }
    };
  }
}
