package io.labflow.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API call (each HTTP attempt, retries included) as {@code labflow_aws_calls_total}
 * with the service and operation as tags. The worker adds it to every client it builds.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  public static final String METRIC = "labflow.aws.calls";

  private final MeterRegistry registry;

  public AwsCallCounter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Counter.builder(METRIC)
        .description("AWS API calls made by activities, retries included")
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .register(registry)
        .increment();
  }
}
