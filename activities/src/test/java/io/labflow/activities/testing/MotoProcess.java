package io.labflow.activities.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The one launcher of a moto server: {@code scripts/lib/moto_server.py} under the tools' Python
 * (moto_server with its CloudFormation gaps closed, the same emulator the local stack runs) on a
 * free loopback port, with moto's control API ({@code /moto-api/...}).
 *
 * <p>The endpoint is {@code http://127.0.0.1:PORT}: with an IP-address endpoint the SDK's S3
 * endpoint rules choose path-style addressing on their own, so no S3 flag is needed.
 */
public final class MotoProcess implements AutoCloseable {

  /** The keys moto accepts before IAM enforcement is on (not secrets). */
  public static final String ACCESS_KEY = "testing";

  public static final String SECRET_KEY = "testing";
  public static final String REGION = "us-east-1";

  /** An IAM user allowed everything, and its access key (moto-generated, not a secret). */
  public record Admin(String arn, String accessKeyId, String secretAccessKey) {}

  /** Who the worker is once IAM is enforced: {@code LABFLOW_WORKER_AS} of {@code scripts/stack}. */
  public enum WorkerAs {
    /** The administrator user {@code labflow-worker}. */
    ADMIN,
    /** The role {@code worker-labflow} holding exactly {@code definitions/worker-policy.json}. */
    POLICY
  }

  /**
   * The worker's keys (with a session token when it is an assumed role), the ARN a lab's role
   * trusts for the probe, and an administrator to set up and look at the emulator.
   */
  public record Principals(Admin admin, String accessKeyId, String secretAccessKey,
      String sessionToken, String trustedPrincipalArn) {}

  private final ManagedProcess process;
  private final int port;

  private MotoProcess(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * The AWS limits the launcher enforces, each switched on by its variable ({@code
   * scripts/lib/moto_quotas.py}, {@code moto_rates.py}, {@code moto_time.py}; docs/aws.md): none by
   * default. Immutable; every variable is always passed, empty when off, so the test JVM's own
   * environment never switches a limit on.
   *
   * @param quotas {@code LABFLOW_AWS_QUOTAS}, e.g. {@code default} or {@code default,L-F678F1CE=8}
   * @param rates {@code LABFLOW_AWS_RATES}, e.g. {@code default} or {@code default,ec2.DescribeVpcs=2/1}
   * @param timeScale {@code LABFLOW_AWS_TIME_SCALE}, e.g. {@code 0.1}: AWS's durations times 0.1
   * @param stalls {@code LABFLOW_AWS_TIME_STALLS}, e.g. {@code 0.5,seed=7}: how often a delete stalls
   */
  public record Limits(String quotas, String rates, String timeScale, String stalls) {
    public static final Limits NONE = new Limits("", "", "", "");

    public Limits withQuotas(String value) {
      return new Limits(value, rates, timeScale, stalls);
    }

    public Limits withRates(String value) {
      return new Limits(quotas, value, timeScale, stalls);
    }

    public Limits withTimeScale(String value) {
      return new Limits(quotas, rates, value, stalls);
    }

    public Limits withStalls(String value) {
      return new Limits(quotas, rates, timeScale, value);
    }

    Map<String, String> env() {
      return Map.of("LABFLOW_AWS_QUOTAS", quotas, "LABFLOW_AWS_RATES", rates,
          "LABFLOW_AWS_TIME_SCALE", timeScale, "LABFLOW_AWS_TIME_STALLS", stalls);
    }
  }

  /** Starts moto, logging to {@code logDir/NAME.log}, and waits until it answers (at most 60 s). */
  public static MotoProcess start(String name, Path logDir) {
    return start(name, logDir, Limits.NONE);
  }

  /** {@link #start(String, Path)} with AWS's limits as {@code limits} switches them on. */
  public static MotoProcess start(String name, Path logDir, Limits limits) {
    return start(name, logDir, limits, Tools::freePort);
  }

  /** {@link #start(String, Path, Limits)} on the port {@code ports} gives for each try. */
  static MotoProcess start(String name, Path logDir, Limits limits, IntSupplier ports) {
    return Tools.startOnFreePorts(() -> startOn(name, logDir, limits, ports.getAsInt()));
  }

  private static MotoProcess startOn(String name, Path logDir, Limits limits, int port) {
    Path launcher = Tools.repoRoot().resolve("scripts/lib/moto_server.py");
    ManagedProcess process =
        ManagedProcess.start(
            name,
            List.of(Tools.tool("python").toString(), launcher.toString(),
                "-H", "127.0.0.1", "-p", Integer.toString(port)),
            limits.env(),
            logDir);
    MotoProcess moto = new MotoProcess(process, port);
    try {
      process.awaitReady("moto on :" + port, Duration.ofSeconds(60), moto::answers);
      return moto;
    } catch (RuntimeException e) {
      moto.close();
      throw e;
    }
  }

  private boolean answers() {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(endpoint() + "/moto-api/").toURL().openConnection();
      c.setConnectTimeout(500);
      // Whoever holds the port when moto could not bind it may accept and never answer.
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.getInputStream().close();
      return code == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public ManagedProcess process() {
    return process;
  }

  /** POSTs {@code body} to moto's control API at {@code path}. */
  public void post(String path, String body) throws IOException {
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

  /**
   * The requests the launcher's rate limits answered as throttled since moto started or was reset,
   * by API ({@code ec2.DescribeVpcs}); empty when {@code LABFLOW_AWS_RATES} is off.
   */
  public Map<String, Integer> throttled() throws IOException {
    HttpURLConnection c = (HttpURLConnection)
        URI.create(endpoint() + "/moto-api/labflow/throttled").toURL().openConnection();
    if (c.getResponseCode() != 200) {
      return Map.of();
    }
    try (var in = c.getInputStream()) {
      var byApi = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get("byApi");
      var counts = new java.util.TreeMap<String, Integer>();
      byApi.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
      return counts;
    }
  }

  /**
   * Replaces the rate limits in force with {@code setting}'s ({@code LABFLOW_AWS_RATES}'s syntax,
   * empty for none), every bucket full: {@code iam.DetachRolePolicy=0/0} throttles that API until
   * the next call.
   */
  public void rates(String setting) throws IOException {
    post("/moto-api/labflow/rates", setting);
  }

  /** Forgets every resource and switches IAM enforcement off. */
  public void reset() throws IOException {
    post("/moto-api/reset-auth", "inf");
    post("/moto-api/reset", "");
  }

  /**
   * Turns IAM authentication and authorization on after {@code freeRequests} more requests (moto's
   * {@code /moto-api/reset-auth}).
   */
  public void enforceIamAfter(int freeRequests) throws IOException {
    post("/moto-api/reset-auth", Integer.toString(freeRequests));
  }

  /**
   * Turns IAM enforcement on with an administrator: three unauthenticated requests create the user
   * {@code userName}, its allow-everything inline policy and an access key; then every request is
   * authenticated and authorized.
   */
  public Admin enforceIamWithAdmin(String userName) throws IOException {
    enforceIamAfter(3);
    try (IamClient bootstrap = iam(ACCESS_KEY, SECRET_KEY)) {
      String arn = bootstrap.createUser(b -> b.userName(userName)).user().arn();
      bootstrap.putUserPolicy(
          b ->
              b.userName(userName)
                  .policyName("admin")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                          + "\"Action\":\"*\",\"Resource\":\"*\"}]}"));
      var key = bootstrap.createAccessKey(b -> b.userName(userName)).accessKey();
      return new Admin(arn, key.accessKeyId(), key.secretAccessKey());
    }
  }

  /**
   * Turns IAM enforcement on and makes the worker's principal as {@code scripts/stack up} does:
   * runs {@code scripts/lib/moto_auth.py}, the one place that knows how.
   */
  public Principals enforceIam(WorkerAs as) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : python("scripts/lib/moto_auth.py",
        Map.of("LABFLOW_WORKER_AS", as.name().toLowerCase(Locale.ROOT)), endpoint())
        .split("\n")) {
      if (line.startsWith("export ")) {
        out.put(line.substring(7, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    String trusted = out.get("LABFLOW_TRUSTED_PRINCIPAL_ARN");
    Admin admin = as == WorkerAs.ADMIN
        ? new Admin(trusted, out.get("AWS_ACCESS_KEY_ID"), out.get("AWS_SECRET_ACCESS_KEY"))
        : new Admin(out.get("LABFLOW_MOTO_ADMIN_ARN"), out.get("LABFLOW_MOTO_ADMIN_ACCESS_KEY_ID"),
            out.get("LABFLOW_MOTO_ADMIN_SECRET_ACCESS_KEY"));
    return new Principals(admin, out.get("AWS_ACCESS_KEY_ID"), out.get("AWS_SECRET_ACCESS_KEY"),
        out.get("AWS_SESSION_TOKEN"), trusted);
  }

  /**
   * Runs a script of the repository under the tools' Python with {@code env} added, and returns
   * its standard output; fails with its output when it exits other than 0 or takes over 2 minutes.
   */
  public static String python(String script, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Tools.tool("python").toString(),
        Tools.repoRoot().resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().putAll(env);
    Process p = pb.start();
    var stderr = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(script + " failed: " + stdout + stderr.join());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(script + " interrupted", e);
    }
    return stdout;
  }

  /** An IAM client of this moto with these keys. */
  public IamClient iam(String accessKeyId, String secretAccessKey) {
    return IamClient.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .build();
  }

  /** A process environment reaching this moto with these keys (the standard AWS variables). */
  public Map<String, String> awsEnv(String accessKeyId, String secretAccessKey) {
    return Map.of("AWS_ENDPOINT_URL", endpoint(), "AWS_REGION", REGION,
        "AWS_ACCESS_KEY_ID", accessKeyId, "AWS_SECRET_ACCESS_KEY", secretAccessKey);
  }

  /** A process environment reaching this moto as the worker of {@link #enforceIam}. */
  public Map<String, String> awsEnv(Principals worker) {
    Map<String, String> env = new HashMap<>(
        awsEnv(worker.accessKeyId(), worker.secretAccessKey()));
    if (worker.sessionToken() != null) {
      env.put("AWS_SESSION_TOKEN", worker.sessionToken());
    }
    return env;
  }

  @Override
  public void close() {
    process.close();
  }
}
