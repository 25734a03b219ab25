package io.labflow.activities.common;

import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one boundary where an AWS SDK exception leaving an activity becomes a Temporal failure
 * ({@link AwsFailures#map}). The step library's implementations are registered behind it ({@code
 * StepLibrary.implementations}, wherever they are registered: the worker, tests, benchmarks), and
 * the worker's failure interceptor asks {@link #mapped} for what escapes any other activity. So the
 * activities themselves catch an AWS error only to decide on its code ({@link AwsErrors}).
 */
public final class AwsFailureBoundary implements InvocationHandler {

  private final Object target;

  private AwsFailureBoundary(Object target) {
    this.target = target;
  }

  /** The implementation behind its activity interfaces, every SDK exception it throws mapped. */
  public static Object around(Object implementation) {
    Class<?> type = implementation.getClass();
    return Proxy.newProxyInstance(
        type.getClassLoader(), type.getInterfaces(), new AwsFailureBoundary(implementation));
  }

  /** The Temporal failure of an SDK exception; empty for anything else. */
  public static Optional<ApplicationFailure> mapped(Throwable thrown) {
    return thrown instanceof SdkException sdk
        ? Optional.of(AwsFailures.map(sdk))
        : Optional.empty();
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable thrown = e.getCause();
      throw mapped(thrown).map(Throwable.class::cast).orElse(thrown);
    }
  }
}
