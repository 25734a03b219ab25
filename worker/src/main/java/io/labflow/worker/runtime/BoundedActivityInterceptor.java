package io.labflow.worker.runtime;

import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.interpreter.ActivityExecutionInterceptor;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every activity's failure and every step's outputs small enough for Temporal.
 *
 * <p>The step library's AWS errors are mapped at its boundary ({@link AwsFailures#around}). What
 * else escapes an activity (an AWS SDK error of another activity, a bug) would reach Temporal with
 * its whole stack trace and cause chain, which can exceed the server's failure size limit (the
 * Web UI then shows only "Failure exceeds size limit.") and may echo request details. Such an
 * exception is logged here in full, on the worker, and replaced by the same boundary's failure, or
 * a bounded failure of the same type and retryability as Temporal's own conversion would give it.
 *
 * <p>A step's outputs larger than {@link InputLimits#MAX_OUTPUT_BYTES} fail the step non-retryably
 * with their size, instead of reaching Temporal (whose 2 MiB payload limit would otherwise fail the
 * completion and leave the step to time out) and every later history event. The engine's own
 * activities ({@code labflow.*}: the resolver, the reset's steps) are exempt: their inputs are
 * bounded where they enter.
 */
public final class BoundedActivityInterceptor extends ActivityExecutionInterceptor {

  private static final Logger log = LoggerFactory.getLogger(BoundedActivityInterceptor.class);

  @Override
  protected ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution) {
    String activityType = activityType(info);
    ActivityOutput output;
    try {
      output = execution.get();
    } catch (TemporalFailure | ActivityCompletionException expected) {
      throw expected;
    } catch (RuntimeException e) {
      Optional<ApplicationFailure> aws = AwsFailures.mapped(e);
      log.warn(aws.isPresent() ? "activity {}: unmapped AWS error"
          : "activity {} failed unexpectedly", activityType, e);
      throw aws.orElseGet(() ->
          AwsFailures.failure(activityType + " failed: " + e, e.getClass().getName(), true));
    }
    long size = activityType.startsWith("labflow.") || output == null
        ? 0 : InputLimits.jsonBytes(output.getResult());
    if (size > InputLimits.MAX_OUTPUT_BYTES) {
      throw ApplicationFailure.newNonRetryableFailure(activityType + " returned "
          + InputLimits.bytes(size) + " of outputs; a step's outputs may be at most "
          + InputLimits.bytes(InputLimits.MAX_OUTPUT_BYTES), FailureTypes.OUTPUT_TOO_LARGE);
    }
    return output;
  }
}
