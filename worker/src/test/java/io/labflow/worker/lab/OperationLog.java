package io.labflow.worker.lab;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every AWS API call the worker's clients make, in order ("Iam.CreateRole"), once per call. Unlike
 * the harness's {@code CallCounter} it can list them, so a test can say "no other Create* call".
 */
final class OperationLog implements ExecutionInterceptor {

  private final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
    calls.add(
        attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + "."
            + attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  /** The calls since {@code from} (an earlier {@link #size()}) whose operation starts with it. */
  List<String> since(int from, String operationPrefix) {
    return calls.subList(from, calls.size()).stream()
        .filter(c -> c.substring(c.indexOf('.') + 1).startsWith(operationPrefix))
        .toList();
  }

  int size() {
    return calls.size();
  }
}
