package io.labflow.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API call (each HTTP attempt, retries included) as {@code labflow_aws_calls_total}
 * with the service and operation as tags. The AWS SDK loads it into every client through {@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}, so no client needs wiring; the
 * count lands in Micrometer's global registry, which the worker binds to its Prometheus registry.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  public static final String METRIC = "labflow.aws.calls";

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Counter.builder(METRIC)
        .description("AWS API calls made by activities, retries included")
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .register(Metrics.globalRegistry)
        .increment();
  }
}
