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
   * response lost after the work was done); {@code retryable} lets the step's retry policy retry it;
   * {@code skip} lets that many attempts of the type through first (a lab that runs one action in
   * two steps, such as its two VerifyAccess steps).
   */
  record Fault(String activityType, boolean afterRealCall, boolean retryable, int skip) {
    Fault(String activityType, boolean afterRealCall, boolean retryable) {
      this(activityType, afterRealCall, retryable, 0);
    }

    Fault(String activityType, boolean afterRealCall) {
      this(activityType, afterRealCall, false, 0);
    }
  }

  /** One activity attempt: its type and, once it returned, its result (null if it failed). */
  record Attempt(String type, Object result) {}

  private final List<String> attempts = new CopyOnWriteArrayList<>();
  private final List<Attempt> returned = new CopyOnWriteArrayList<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Map<String, Integer> skips = new ConcurrentHashMap<>();

  /** Arms a fault for the next attempt of its activity type after its skips (one per type). */
  void inject(Fault f) {
    skips.put(f.activityType(), f.skip());
    faults.put(f.activityType(), f);
  }

  /** The armed fault of this attempt, if it is the one to fail. */
  private Fault take(String type) {
    synchronized (faults) {
      if (!faults.containsKey(type)) {
        return null;
      }
      int left = skips.getOrDefault(type, 0);
      if (left > 0) {
        skips.put(type, left - 1);
        return null;
      }
      return faults.remove(type);
    }
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
        Fault f = take(type);
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
