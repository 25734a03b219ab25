package io.labflow.worker.runtime;

import io.temporal.activity.Activity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Bounds how many AWS API calls one worker makes at once, whatever runs them: a nightly reset of a
 * hundred labs queues its calls here instead of bursting into AWS throttling. Set with {@code
 * LABFLOW_MAX_CONCURRENT_AWS_CALLS} (default 16). Activity slots are not the bound: the reset's
 * waiting activities hold a slot for minutes while making no AWS call.
 *
 * <p>Calls waiting for a slot are served by their activity's task priority, then in arrival order:
 * Temporal's priority orders the task queue, and without this a learner's lab (the default
 * priority) would still wait here behind every call of a fleet's resets (priority key 4).
 */
public final class AwsConcurrencyLimit implements ExecutionInterceptor {

  /** The environment variable that sets the bound. */
  public static final String ENV = "LABFLOW_MAX_CONCURRENT_AWS_CALLS";

  public static final int DEFAULT = 16;

  private static final Logger log = LoggerFactory.getLogger(AwsConcurrencyLimit.class);
  private static final ExecutionAttribute<Boolean> HELD = new ExecutionAttribute<>("labflow.awsPermit");

  private final PriorityPermits permits;

  private AwsConcurrencyLimit(int limit) {
    this.permits = new PriorityPermits(limit);
  }

  /** The bound from {@value #ENV}, or {@value #DEFAULT}. */
  public static AwsConcurrencyLimit fromEnvironment() {
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
    return new AwsConcurrencyLimit(n);
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
    release(attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    release(attributes);
  }

  /** The priority key of the activity making the call; the default outside an activity. */
  private static int currentPriority() {
    try {
      return Activity.getExecutionContext().getInfo().getPriority().getPriorityKey();
    } catch (IllegalStateException notInAnActivity) {
      return PriorityPermits.DEFAULT_PRIORITY;
    }
  }

  private void release(ExecutionAttributes attributes) {
    if (Boolean.TRUE.equals(attributes.getAttribute(HELD))) {
      attributes.putAttribute(HELD, Boolean.FALSE);
      permits.release();
    }
  }
}
