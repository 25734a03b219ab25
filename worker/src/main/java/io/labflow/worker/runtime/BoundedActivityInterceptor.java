package io.labflow.worker.runtime;

import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.input.InputLimits;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.LinkedHashMap;
import java.util.Optional;
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
 *
 * <p>A {@link LabWorkflow} activity's JSON object result from a retry gets {@link
 * LabWorkflow#ATTEMPT_KEY}, so that the lab's status shows the attempt that succeeded.
 */
public final class BoundedActivityInterceptor extends WorkerInterceptorBase {

  private static final Logger log = LoggerFactory.getLogger(BoundedActivityInterceptor.class);
  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String type = info.getActivityType();
        ActivityOutput output;
        try {
          output = super.execute(input);
        } catch (TemporalFailure | ActivityCompletionException expected) {
          throw expected;
        } catch (RuntimeException e) {
          Optional<ApplicationFailure> aws = AwsFailures.mapped(e);
          log.warn(aws.isPresent() ? "activity {}: unmapped AWS error"
              : "activity {} failed unexpectedly", type, e);
          throw aws.orElseGet(() ->
              AwsFailures.failure(type + " failed: " + e, e.getClass().getName(), true));
        }
        long size = type.startsWith("labflow.") || output == null
            ? 0 : InputLimits.jsonBytes(output.getResult());
        if (size > InputLimits.MAX_OUTPUT_BYTES) {
          throw ApplicationFailure.newNonRetryableFailure(type + " returned "
              + InputLimits.bytes(size) + " of outputs; a step's outputs may be at most "
              + InputLimits.bytes(InputLimits.MAX_OUTPUT_BYTES), FailureTypes.OUTPUT_TOO_LARGE);
        }
        return withAttempt(info, output);
      }
    };
  }

  private static ActivityOutput withAttempt(ActivityInfo info, ActivityOutput out) {
    if (info.getAttempt() <= 1
        || info.isLocal()
        || !LabWorkflow.TYPE.equals(info.getWorkflowType())
        || out == null
        || !(JSON.valueToTree(out.getResult()) instanceof ObjectNode result)) {
      return out;
    }
    result.put(LabWorkflow.ATTEMPT_KEY, info.getAttempt());
    return new ActivityOutput(JSON.convertValue(result, LinkedHashMap.class));
  }
}
