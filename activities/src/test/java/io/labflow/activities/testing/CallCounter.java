package io.labflow.activities.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts AWS API calls by operation name ("IAM.CreateRole"), once per call, not per retry. */
public final class CallCounter implements ExecutionInterceptor {

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
    String op =
        attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + "."
            + attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Calls of the operation, e.g. {@code count("Iam", "CreateRole")}. */
  public int count(String service, String operation) {
    AtomicInteger n = calls.get(service + "." + operation);
    return n == null ? 0 : n.get();
  }

  /** Calls of every operation. */
  public int total() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public void reset() {
    calls.clear();
  }

  @Override
  public String toString() {
    return calls.toString();
  }
}
