package io.labflow.worker.runtime;

import io.labflow.workflows.interpreter.ActivityExecutionInterceptor;
import io.labflow.activities.common.AwsFailureBoundary;
import io.labflow.activities.common.AwsFailures;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every activity failure small and free of secrets.
 *
 * <p>The step library's AWS errors are mapped at its boundary ({@link AwsFailureBoundary}). Anything
 * else that escapes an activity (an AWS SDK error of another activity, a bug) would reach Temporal
 * with its whole stack trace and cause chain, which can exceed the server's failure size limit (the
 * Web UI then shows only "Failure exceeds size limit.") and may echo request details. Such an
 * exception is logged here in full, on the worker, and replaced by the same boundary's failure, or
 * a bounded failure of the same type and retryability as Temporal's own conversion would give it.
 */
public final class BoundedFailureInterceptor extends ActivityExecutionInterceptor {

  private static final Logger log = LoggerFactory.getLogger(BoundedFailureInterceptor.class);

  @Override
  protected ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution) {
    try {
      return execution.get();
    } catch (TemporalFailure | ActivityCompletionException expected) {
      throw expected;
    } catch (RuntimeException e) {
      String activityType = activityType(info);
      ApplicationFailure aws = AwsFailureBoundary.mapped(e).orElse(null);
      if (aws != null) {
        log.warn("activity {}: unmapped AWS error", activityType, e);
        throw aws;
      }
      log.warn("activity {} failed unexpectedly", activityType, e);
      throw AwsFailures.failure(activityType + " failed: " + e, e.getClass().getName(), true);
    }
  }
}
