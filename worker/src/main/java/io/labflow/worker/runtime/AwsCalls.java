package io.labflow.worker.runtime;

import io.labflow.activities.cloudformation.Stacks;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.PriorityQueue;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/**
 * Bounds and counts the worker's AWS API calls, on every client it builds.
 *
 * <p>At most {@code labflow worker --max-concurrent-aws-calls} calls run at once, whatever runs
 * them: a nightly reset of a hundred labs queues its calls here instead of bursting into AWS
 * throttling. Activity slots are not the bound: the reset's waiting activities hold a slot for
 * minutes while making no AWS call. Calls waiting for a slot are served by their activity's task
 * priority, then in arrival order: Temporal's priority orders the task queue, and without this a
 * learner's lab (the default priority) would still wait here behind every call of a fleet's resets
 * (priority key 4).
 *
 * <p>Each call is counted as {@link LabflowMeters#AWS_CALLS} with the service, the operation and its
 * outcome: {@code ok}, the AWS error code ({@code NoSuchEntity}, {@code Throttling}; {@link
 * #GONE_STACK} for a stack that does not exist), or the client exception's name when no answer
 * came ({@code SdkClientException}), once it is over, after the SDK's own retries.
 */
public final class AwsCalls implements ExecutionInterceptor {

  /** CloudFormation's ValidationError that a stack does not exist: an absence, as NoSuchEntity. */
  static final String GONE_STACK = "ValidationError.NotFound";

  private static final ExecutionAttribute<Boolean> HELD = new ExecutionAttribute<>("labflow.awsPermit");

  private final MeterRegistry registry;
  private final PriorityPermits permits;

  public AwsCalls(MeterRegistry registry, int limit) {
    this.registry = registry;
    this.permits = new PriorityPermits(limit);
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
    String code = !(e instanceof AwsServiceException aws) ? ""
        : aws instanceof CloudFormationException && Stacks.gone(aws) ? GONE_STACK
        : AwsFailures.errorCode(aws);
    end(attributes, code.isEmpty() ? e.getClass().getSimpleName() : code);
  }

  /** The priority key of the activity making the call; the default outside an activity. */
  private static int currentPriority() {
    return Waiting.current().map(c -> c.getInfo().getPriority().getPriorityKey())
        .orElse(PriorityPermits.DEFAULT_PRIORITY);
  }

  private void end(ExecutionAttributes attributes, String outcome) {
    if (Boolean.TRUE.equals(attributes.getAttribute(HELD))) {
      attributes.putAttribute(HELD, Boolean.FALSE);
      permits.release();
    }
    registry.counter(LabflowMeters.AWS_CALLS,
        "service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)),
        "operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)),
        "outcome", outcome).increment();
  }

  /** The slots: a counting semaphore whose waiters are served by priority, then arrival. */
  static final class PriorityPermits {

    /** Temporal's default priority key, which an unset key (0) means. */
    static final int DEFAULT_PRIORITY = 3;

    private record Waiter(int priority, long arrival) {}

    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
        Comparator.comparingInt(Waiter::priority).thenComparingLong(Waiter::arrival));
    private int available;
    private long arrivals;

    /** {@code permits} is at least 1: {@code labflow worker} refuses less. */
    PriorityPermits(int permits) {
      this.available = permits;
    }

    /** Takes a permit behind every waiter of a higher priority (a lower key) or earlier arrival. */
    synchronized void acquire(int priorityKey) throws InterruptedException {
      Waiter me = new Waiter(priorityKey <= 0 ? DEFAULT_PRIORITY : priorityKey, arrivals++);
      waiting.add(me);
      try {
        while (available == 0 || waiting.peek() != me) {
          wait();
        }
      } catch (InterruptedException e) {
        waiting.remove(me);
        notifyAll();
        throw e;
      }
      waiting.poll();
      available--;
      // The next waiter may be served too if permits remain.
      notifyAll();
    }

    synchronized void release() {
      available++;
      notifyAll();
    }

    synchronized int available() {
      return available;
    }

    synchronized int waiting() {
      return waiting.size();
    }
  }
}
