package io.labflow.worker.e2e;

import io.labflow.activities.testing.AwsProxy;
import io.labflow.activities.testing.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of moto that workers use as their {@code AWS_ENDPOINT_URL}. It forwards
 * every request unchanged, except that the response to the first request of one AWS query action
 * (for example IAM {@code CreatePolicy} of one policy name) is withheld: moto has done the work,
 * but the activity that asked waits inside its AWS call until the test kills its worker. That
 * pins the crash exactly inside a running activity attempt, after AWS acted and before Temporal
 * heard about it: the case where a careless retry would create a duplicate.
 */
public final class HoldingAwsProxy implements AutoCloseable {

  private final String action;
  private final Predicate<Map<String, String>> match;
  private final AwsProxy proxy;
  private final AtomicBoolean holdTaken = new AtomicBoolean();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> succeeded = new ConcurrentHashMap<>();
  private volatile int heldStatus;

  /**
   * Starts a proxy to {@code target} on a free loopback port that withholds the response to the
   * first query-protocol request whose {@code Action} is {@code action} and whose parameter
   * {@code param} equals {@code value}.
   */
  public HoldingAwsProxy(String target, String action, String param, String value) throws IOException {
    this(target, action, form -> value.equals(form.get(param)));
  }

  /**
   * Starts a proxy to {@code target} that withholds the response to the first query-protocol
   * request whose {@code Action} is {@code action} and whose parameters match {@code match}
   * (CloudFormation's {@code DeleteStack}, for example, names the stack by its id, an ARN).
   */
  public HoldingAwsProxy(String target, String action, Predicate<Map<String, String>> match)
      throws IOException {
    this.action = action;
    this.match = match;
    proxy = new AwsProxy(target, "aws-proxy", this::handle);
  }

  /** The address a worker uses as its AWS endpoint. */
  public String endpoint() {
    return proxy.endpoint();
  }

  /** Waits until the request to withhold has been answered by moto and is being held. */
  public boolean awaitHeld(Duration timeout) throws InterruptedException {
    return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The HTTP status moto gave the withheld request (200: the resource was created). */
  public int heldStatus() {
    return heldStatus;
  }

  /** How many requests of this query action reached moto through the proxy. */
  public int forwardedCount(String queryAction) {
    AtomicInteger n = forwarded.get(queryAction);
    return n == null ? 0 : n.get();
  }

  /** How many requests of this query action moto answered with a 2xx status. */
  public int succeededCount(String queryAction) {
    AtomicInteger n = succeeded.get(queryAction);
    return n == null ? 0 : n.get();
  }

  private RawHttp.Response handle(AwsProxy.Request request, AwsProxy.Forwarder moto)
      throws IOException {
    String queryAction = request.queryAction();
    forwarded.computeIfAbsent(queryAction, k -> new AtomicInteger()).incrementAndGet();
    RawHttp.Response response = moto.forward(request);
    if (response.status() / 100 == 2) {
      succeeded.computeIfAbsent(queryAction, k -> new AtomicInteger()).incrementAndGet();
    }
    if (action.equals(queryAction) && match.test(request.form()) && holdTaken.compareAndSet(false, true)) {
      heldStatus = response.status();
      held.countDown();
      try {
        // The caller is killed while it waits here; what follows writes to a dead connection.
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return response;
  }

  /** Lets the withheld response go (to whoever still listens) and stops the proxy. */
  @Override
  public void close() {
    release.countDown();
    proxy.close();
  }
}
