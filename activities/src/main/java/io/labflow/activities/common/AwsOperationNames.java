package io.labflow.activities.common;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Names the failed AWS operation on its exception, since SDK exceptions do not say which call
 * failed. {@link AwsFailures} reads the name back to put it in the failure message.
 */
final class AwsOperationNames implements ExecutionInterceptor {

  /**
   * Marker attached as a suppressed exception: no stack trace, never thrown.
   *
   * @see AwsFailures#operationOf(Throwable)
   */
  static final class Operation extends RuntimeException {
    final String service;
    final String operation;

    Operation(String service, String operation) {
      super("AWS operation " + service + "." + operation, null, false, false);
      this.service = service;
      this.operation = operation;
    }
  }

  @Override
  public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attrs) {
    Throwable t = context.exception();
    String operation = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (operation != null && AwsFailures.operationOf(t) == null) {
      t.addSuppressed(
          new Operation(attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME), operation));
    }
    return t;
  }
}
