package io.labflow.workflows.interpreter;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.function.Supplier;

/**
 * A worker interceptor around each activity execution that knows the activity's {@link
 * ActivityInfo}: the one place of Temporal's init-then-execute boilerplate, so each interceptor
 * of the worker says only what it does around an execution.
 */
public abstract class ActivityExecutionInterceptor extends WorkerInterceptorBase {

  @Override
  public final ActivityInboundCallsInterceptor interceptActivity(
      ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        return around(info, () -> super.execute(input));
      }
    };
  }

  /** The activity type, or "?" before Temporal called {@code init}. */
  protected static String activityType(ActivityInfo info) {
    return info == null ? "?" : info.getActivityType();
  }

  /**
   * Runs {@code execution} (the activity and the interceptors after this one) and returns its
   * output, or throws instead.
   */
  protected abstract ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution);
}
