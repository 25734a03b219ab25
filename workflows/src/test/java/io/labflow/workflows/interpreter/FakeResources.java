package io.labflow.workflows.interpreter;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recording fake of {@link ResourceActivities}. Every call is logged in order as {@code "<Action>
 * <name>"} (for example {@code "Create a"}); behaviours are scripted per such key.
 */
public final class FakeResources implements ResourceActivities {

  /** How long a hanging call waits for its cancellation, in real time. */
  static final Duration HANG_LIMIT = Duration.ofSeconds(15);

  private interface Behaviour {
    void apply(String key, String name, int call) throws Exception;
  }

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, ResourceInput> inputs = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  /** Forgets every call and behaviour. */
  public void reset() {
    log.clear();
    inputs.clear();
    behaviours.clear();
    calls.clear();
  }

  /** Every call so far, in order. */
  public List<String> log() {
    return new ArrayList<>(log);
  }

  /** The last input the call {@code key} received. */
  public ResourceInput input(String key) {
    return inputs.get(key);
  }

  /** How many times {@code key} was called. */
  public int calls(String key) {
    AtomicInteger n = calls.get(key);
    return n == null ? 0 : n.get();
  }

  /** Every call of {@code key} fails with a non-retryable failure of that type. */
  public void failNonRetryable(String key, String type) {
    behaviours.put(
        key,
        (k, name, call) -> {
          throw ApplicationFailure.newNonRetryableFailure(type.toLowerCase() + " on " + name, type);
        });
  }

  /**
   * As {@link #failNonRetryable}, once {@code other} was called (at most 10 s later): a failure that
   * must meet its sibling running, not one the worker has not yet polled.
   */
  public void failNonRetryableAfter(String key, String type, String other) {
    behaviours.put(
        key,
        (k, name, call) -> {
          for (int i = 0; i < 200 && !log.contains(other); i++) {
            Thread.sleep(50);
          }
          throw ApplicationFailure.newNonRetryableFailure(type.toLowerCase() + " on " + name, type);
        });
  }

  /** The first {@code times} calls of {@code key} fail with a retryable failure of that type. */
  public void failRetryable(String key, String type, int times) {
    behaviours.put(
        key,
        (k, name, call) -> {
          if (call <= times) {
            throw ApplicationFailure.newFailure(type.toLowerCase() + " on " + name, type);
          }
        });
  }

  /** Calls of {@code key} heartbeat until they are cancelled or time out. */
  public void hang(String key) {
    behaviours.put(key, (k, name, call) -> hangUntilCancelled(k));
  }

  /** Calls of {@code key} wait at the latch for the others; "Met" is logged only if all arrive. */
  public void meet(String key, CountDownLatch latch) {
    behaviours.put(
        key,
        (k, name, call) -> {
          latch.countDown();
          if (latch.await(10, TimeUnit.SECONDS)) {
            log.add("Met " + name);
          }
        });
  }

  /** Calls of {@code key} behave normally again. */
  public void clear(String key) {
    behaviours.remove(key);
  }

  @Override
  public Resource create(ResourceInput input) {
    return call("Create", input);
  }

  @Override
  public Resource delete(ResourceInput input) {
    return call("Delete", input);
  }

  @Override
  public Resource use(ResourceInput input) {
    return call("Use", input);
  }

  @Override
  public List<String> tags(ResourceInput input) {
    return call("Tags", input).tags();
  }

  private Resource call(String action, ResourceInput input) {
    String key = action + " " + input.name();
    log.add(key);
    inputs.put(key, input);
    int call = calls.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet();
    Behaviour b = behaviours.get(key);
    if (b != null) {
      try {
        b.apply(key, input.name(), call);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw Activity.wrap(e);
      }
    }
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return new Resource("id-" + input.name(), input.name(), List.of(input.name(), "x"), attempt,
        attempt > 1 ? attempt : null);
  }

  private void hangUntilCancelled(String key) throws InterruptedException {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long end = System.nanoTime() + HANG_LIMIT.toNanos();
    String name = key.substring(key.indexOf(' ') + 1);
    while (System.nanoTime() < end) {
      try {
        ctx.heartbeat(null);
      } catch (ActivityCanceledException e) {
        log.add("Cancelled " + name);
        throw e;
      } catch (ActivityCompletionException e) {
        log.add("Abandoned " + name);
        throw e;
      }
      Thread.sleep(50);
    }
    log.add("Gave up " + name);
  }
}
