package io.labflow.activities.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forwarding core of the test proxies in front of moto (workers use one as their {@code
 * AWS_ENDPOINT_URL}): an HTTP server on a free loopback port that reads each request, hands it to
 * a {@link Handler} (which usually forwards it to moto through {@link RawHttp}, Host header intact,
 * so SigV4 signatures still verify when moto enforces IAM) and writes back what the handler
 * answers.
 */
public final class AwsProxy implements AutoCloseable {

  private static final Pattern CREDENTIAL =
      Pattern.compile("Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/");

  /**
   * A request as the proxy received it.
   *
   * @param service the signing service ({@code iam}, {@code s3}, ...), empty when unsigned
   * @param accessKey the signing access key id, empty when unsigned
   * @param form the query-protocol parameters: the form body and the URL query
   */
  public record Request(
      String method,
      URI uri,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      String service,
      String accessKey,
      Map<String, String> form) {

    /** The query-protocol {@code Action}, or empty. */
    public String queryAction() {
      return form.getOrDefault("Action", "");
    }

    /** The query action, or {@code S3.<METHOD>} for S3. */
    public String action() {
      return service.equals("s3") ? "S3." + method : queryAction();
    }
  }

  /** What the proxy does with one request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * The answer to {@code request}; {@code moto.forward(request)} is moto's own answer.
     *
     * @throws IOException to drop the connection without an answer
     */
    RawHttp.Response handle(Request request, Forwarder moto) throws IOException;
  }

  /** Sends a request on to moto and reads its whole answer. */
  @FunctionalInterface
  public interface Forwarder {
    RawHttp.Response forward(Request request) throws IOException;
  }

  private final URI target;
  private final Handler handler;
  private final HttpServer server;
  private final ExecutorService threads;

  /** Starts a proxy to {@code target} (moto's endpoint) whose threads are named {@code name}. */
  public AwsProxy(String target, String name, Handler handler) throws IOException {
    this.target = URI.create(target);
    this.handler = handler;
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The address a worker uses as its AWS endpoint. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private RawHttp.Response forward(Request r) throws IOException {
    return RawHttp.exchange(
        target.getHost(), target.getPort(), r.method(), r.uri().toString(), r.headers(), r.body());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      ex.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> headers.add(Map.entry(k, v))));
      Matcher cred = CREDENTIAL.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      boolean signed = cred.find();
      Request request =
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI(),
              List.copyOf(headers),
              body,
              signed ? cred.group(2) : "",
              signed ? cred.group(1) : "",
              form(ex, body));
      RawHttp.Response answer = handler.handle(request, this::forward);
      for (Map.Entry<String, String> h : answer.headers()) {
        ex.getResponseHeaders().add(h.getKey(), h.getValue());
      }
      byte[] out = answer.body();
      boolean noBody = out.length == 0 || request.method().equals("HEAD");
      ex.sendResponseHeaders(answer.status(), noBody ? -1 : out.length);
      if (!noBody) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (IOException e) {
      // The client went away (a killed worker), or the handler dropped it: nothing to answer.
    }
  }

  private static Map<String, String> form(HttpExchange ex, byte[] body) {
    Map<String, String> form = new HashMap<>();
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
      parse(new String(body, StandardCharsets.UTF_8), form);
    }
    if (ex.getRequestURI().getRawQuery() != null) {
      parse(ex.getRequestURI().getRawQuery(), form);
    }
    return java.util.Collections.unmodifiableMap(form);
  }

  private static void parse(String encoded, Map<String, String> into) {
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        into.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
  }

  /** Stops the proxy. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
