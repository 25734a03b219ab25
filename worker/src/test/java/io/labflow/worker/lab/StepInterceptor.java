package io.labflow.worker.lab;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only worker interceptor around the real activities. It records every activity attempt (by
 * activity type, in start order); it can fail one step's activity with a non-retryable
 * {@code InjectedFailure}, before or after the real call.
 */
final class StepInterceptor extends WorkerInterceptorBase {

  /** Failure type of the injected failure. */
  static final String INJECTED = "InjectedFailure";

  /**
   * Fail the next attempt of {@code activityType}; {@code afterRealCall} lets it run first (a
   * response lost after the work was done); {@code retryable} lets the step's retry policy retry it.
   */
  record Fault(String activityType, boolean afterRealCall, boolean retryable) {
    Fault(String activityType, boolean afterRealCall) {
      this(activityType, afterRealCall, false);
    }
  }

  /** One activity attempt: its type and, once it returned, its result (null if it failed). */
  record Attempt(String type, Object result) {}

  private final List<String> attempts = new CopyOnWriteArrayList<>();
  private final List<Attempt> returned = new CopyOnWriteArrayList<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();

  /** Arms a fault for the next attempt of its activity type (one per type). */
  void inject(Fault f) {
    faults.put(f.activityType(), f);
  }

  /** Activity types of every attempt so far, in start order (the resolver's local activity too). */
  List<String> attempts() {
    return List.copyOf(attempts);
  }

  /** The results of the attempts of {@code type} that returned, in order. */
  List<Object> results(String type) {
    return returned.stream().filter(a -> a.type().equals(type)).map(Attempt::result).toList();
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String type;

      @Override
      public void init(ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        attempts.add(type);
        Fault f = faults.remove(type);
        if (f != null && !f.afterRealCall()) {
          throw injected(f, "before");
        }
        ActivityOutput out = super.execute(input);
        returned.add(new Attempt(type, out.getResult()));
        if (f != null) {
          throw injected(f, "after");
        }
        return out;
      }

      private ApplicationFailure injected(Fault f, String when) {
        String message = "injected " + when + " the real " + type;
        return f.retryable()
            ? ApplicationFailure.newFailure(message, INJECTED)
            : ApplicationFailure.newNonRetryableFailure(message, INJECTED);
      }
    };
  }
}
