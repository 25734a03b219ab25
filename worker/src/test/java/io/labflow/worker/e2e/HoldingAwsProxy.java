package io.labflow.worker.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  private static final Set<String> HOP_BY_HOP =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "keep-alive");

  private final URI target;
  private final String action;
  private final Predicate<Map<String, String>> match;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "aws-proxy");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
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
    this.target = URI.create(target);
    this.action = action;
    this.match = match;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The address a worker uses as its AWS endpoint. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
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

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> form = formOf(exchange, body);
      String queryAction = form.getOrDefault("Action", "");
      forwarded.computeIfAbsent(queryAction, k -> new AtomicInteger()).incrementAndGet();

      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .timeout(Duration.ofSeconds(30))
          .method(exchange.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      if (response.statusCode() / 100 == 2) {
        succeeded.computeIfAbsent(queryAction, k -> new AtomicInteger()).incrementAndGet();
      }

      if (action.equals(queryAction) && match.test(form) && holdTaken.compareAndSet(false, true)) {
        heldStatus = response.statusCode();
        held.countDown();
        try {
          // The caller is killed while it waits here; what follows writes to a dead connection.
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      response.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          exchange.getResponseHeaders().put(name, List.copyOf(values));
        }
      });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (IOException e) {
      // The client went away (the killed worker): nothing to answer.
    }
  }

  /** The query-protocol parameters of a request: the form body and the URL query. */
  private static Map<String, String> formOf(HttpExchange exchange, byte[] body) {
    Map<String, String> form = new HashMap<>();
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      parse(new String(body, StandardCharsets.UTF_8), form);
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      parse(query, form);
    }
    return form;
  }

  private static void parse(String encoded, Map<String, String> into) {
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        into.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
  }

  /** Lets the withheld response go (to whoever still listens) and stops the proxy. */
  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
