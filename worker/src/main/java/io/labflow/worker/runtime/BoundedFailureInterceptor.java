package io.labflow.worker.runtime;

import io.labflow.activities.AwsFailures;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.TemporalFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Keeps every activity failure small and free of secrets.
 *
 * <p>The step library maps the failures it expects through {@link AwsFailures}. Anything else that
 * escapes an activity (an AWS SDK error it did not catch, a bug) would reach Temporal with its
 * whole stack trace and cause chain, which can exceed the server's failure size limit (the Web UI
 * then shows only "Failure exceeds size limit.") and may echo request details. Such an exception
 * is logged here in full, on the worker, and replaced by a bounded failure of the same type and
 * retryability as Temporal's own conversion would give it.
 */
public final class BoundedFailureInterceptor extends WorkerInterceptorBase {

  private static final Logger log = LoggerFactory.getLogger(BoundedFailureInterceptor.class);

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
        try {
          return super.execute(input);
        } catch (TemporalFailure | ActivityCompletionException expected) {
          throw expected;
        } catch (SdkException e) {
          log.warn("activity {}: unmapped AWS error", activityType, e);
          throw AwsFailures.map(e);
        } catch (RuntimeException e) {
          log.warn("activity {} failed unexpectedly", activityType, e);
          throw AwsFailures.failure(
              activityType + " failed: " + e, e.getClass().getName(), true);
        }
      }
    };
  }
}
