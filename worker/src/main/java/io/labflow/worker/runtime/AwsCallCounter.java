package io.labflow.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API call as {@link LabflowMeters#AWS_CALLS} with the service, the operation and
 * its outcome: {@code ok}, the AWS error code ({@code NoSuchEntity}, {@code Throttling}), or the
 * client exception's name when no answer came ({@code SdkClientException}). A call is counted once
 * it is over, after the SDK's own retries. The worker adds it to every client it builds.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  private final MeterRegistry registry;

  public AwsCallCounter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes, "ok");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Throwable e = context.exception();
    String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null
        ? aws.awsErrorDetails().errorCode()
        : e.getClass().getSimpleName();
    count(attributes, code);
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    Counter.builder(LabflowMeters.AWS_CALLS)
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
