package io.labflow.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.activity.Activity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Bounds and counts the worker's AWS API calls, on every client it builds.
 *
 * <p>At most {@code LABFLOW_MAX_CONCURRENT_AWS_CALLS} (default 16) calls run at once, whatever runs
 * them: a nightly reset of a hundred labs queues its calls here instead of bursting into AWS
 * throttling. Activity slots are not the bound: the reset's waiting activities hold a slot for
 * minutes while making no AWS call. Calls waiting for a slot are served by their activity's task
 * priority, then in arrival order: Temporal's priority orders the task queue, and without this a
 * learner's lab (the default priority) would still wait here behind every call of a fleet's resets
 * (priority key 4).
 *
 * <p>Each call is counted as {@link LabflowMeters#AWS_CALLS} with the service, the operation and its
 * outcome: {@code ok}, the AWS error code ({@code NoSuchEntity}, {@code Throttling}), or the client
 * exception's name when no answer came ({@code SdkClientException}), once it is over, after the
 * SDK's own retries.
 */
public final class AwsCalls implements ExecutionInterceptor {

  /** The environment variable that sets the bound. */
  public static final String ENV = "LABFLOW_MAX_CONCURRENT_AWS_CALLS";

  public static final int DEFAULT = 16;

  private static final Logger log = LoggerFactory.getLogger(AwsCalls.class);
  private static final ExecutionAttribute<Boolean> HELD = new ExecutionAttribute<>("labflow.awsPermit");

  private final MeterRegistry registry;
  private final PriorityPermits permits;

  private AwsCalls(MeterRegistry registry, int limit) {
    this.registry = registry;
    this.permits = new PriorityPermits(limit);
  }

  /** Counting into {@code registry}, with the bound from {@value #ENV}, or {@value #DEFAULT}. */
  public static AwsCalls fromEnvironment(MeterRegistry registry) {
    String v = System.getenv(ENV);
    int n;
    try {
      n = v == null || v.isBlank() ? DEFAULT : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ENV + " must be a whole number, got '" + v + "'");
    }
    if (n < 1) {
      throw new IllegalArgumentException(ENV + " must be at least 1, got " + n);
    }
    log.info("At most {} concurrent AWS calls ({})", n, ENV);
    return new AwsCalls(registry, n);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    try {
      permits.acquire(currentPriority());
      attributes.putAttribute(HELD, Boolean.TRUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an AWS call slot", e);
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    end(attributes, "ok");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Throwable e = context.exception();
    end(attributes, e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null
        ? aws.awsErrorDetails().errorCode()
        : e.getClass().getSimpleName());
  }

  /** The priority key of the activity making the call; the default outside an activity. */
  private static int currentPriority() {
    try {
      return Activity.getExecutionContext().getInfo().getPriority().getPriorityKey();
    } catch (IllegalStateException notInAnActivity) {
      return PriorityPermits.DEFAULT_PRIORITY;
    }
  }

  private void end(ExecutionAttributes attributes, String outcome) {
    if (Boolean.TRUE.equals(attributes.getAttribute(HELD))) {
      attributes.putAttribute(HELD, Boolean.FALSE);
      permits.release();
    }
    Counter.builder(LabflowMeters.AWS_CALLS)
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
