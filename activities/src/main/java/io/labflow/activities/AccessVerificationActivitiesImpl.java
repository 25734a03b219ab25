package io.labflow.activities;

import io.labflow.activities.model.AccessCheck;
import io.labflow.activities.model.VerifyAccessInput;
import io.labflow.activities.model.VerifyAccessOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** {@link AccessVerificationActivities} over the AWS SDK. */
public final class AccessVerificationActivitiesImpl implements AccessVerificationActivities {

  private static final Logger log = LoggerFactory.getLogger(AccessVerificationActivitiesImpl.class);
  static final Set<String> PROBE_ACTIONS =
      Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject");
  private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(120);

  private final AwsClients clients;
  private final IamClient iam;
  private final StsClient sts;
  private final S3Client s3;
  private final S3Buckets buckets;

  public AccessVerificationActivitiesImpl(AwsClients clients) {
    this(clients, clients.iam());
  }

  /** With another IAM client (tests of {@code simulate}, which moto does not implement). */
  AccessVerificationActivitiesImpl(AwsClients clients, IamClient iam) {
    this.clients = clients;
    this.iam = iam;
    this.sts = clients.sts();
    this.s3 = clients.s3();
    this.buckets = new S3Buckets(clients.s3());
  }

  @Override
  public VerifyAccessOutput verifyAccess(VerifyAccessInput in) {
    String labId = Inputs.require(in.labId(), "labId", "VerifyAccess");
    String bucket = Inputs.require(in.bucketName(), "bucketName", "VerifyAccess");
    Map<String, Boolean> expected = expectations(in);
    String method = Inputs.orDefault(in.method(), "simulate");
    if (!method.equals("simulate") && !method.equals("probe")) {
      throw AwsFailures.invalidInput("VerifyAccess: method must be simulate or probe: " + method);
    }
    if (method.equals("probe")) {
      for (String a : expected.keySet()) {
        if (!PROBE_ACTIONS.contains(a)) {
          throw AwsFailures.invalidInput(
              "VerifyAccess: probe can check only " + PROBE_ACTIONS + ", not " + a);
        }
      }
    }
    Duration budget =
        in.budgetSeconds() == null ? DEFAULT_BUDGET : Duration.ofSeconds(in.budgetSeconds());
    try {
      String roleArn = roleArn(in);
      if (method.equals("probe") && !buckets.ownedBy(bucket, labId)) {
        throw AwsFailures.notOwned("bucket " + bucket, labId);
      }
      AtomicReference<List<AccessCheck>> last = new AtomicReference<>();
      AtomicInteger attempts = new AtomicInteger();
      List<AccessCheck> matching =
          Heartbeats.untilPresent(
              "verifying access of " + roleArn,
              budget,
              () -> {
                attempts.incrementAndGet();
                List<AccessCheck> m =
                    method.equals("simulate")
                        ? simulate(roleArn, bucket, labId, expected)
                        : probe(roleArn, bucket, labId, expected);
                last.set(m);
                return m != null && m.stream().allMatch(c -> c.allowed() == c.expectedAllowed())
                    ? m
                    : null;
              });
      if (matching == null) {
        // Mismatches first: a long matrix is cut to the failure size bound from the end.
        String matrix =
            last.get() == null ? "role could not be assumed" : render(mismatchesFirst(last.get()));
        throw AwsFailures.nonRetryable(
            "access of "
                + roleArn
                + " on bucket "
                + bucket
                + " differs from the expectation after "
                + attempts.get()
                + " attempts over "
                + budget
                + " ("
                + method
                + "):\n"
                + matrix,
            AwsFailures.ACCESS_MISMATCH);
      }
      log.info("lab {}: access of {} verified by {} in {} attempts", labId, roleArn, method, attempts.get());
      return new VerifyAccessOutput(method, roleArn, bucket, matching, attempts.get(), true);
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }

  private static Map<String, Boolean> expectations(VerifyAccessInput in) {
    List<String> allow = Inputs.require(in.allow(), "allow", "VerifyAccess");
    List<String> deny = Inputs.require(in.deny(), "deny", "VerifyAccess");
    Map<String, Boolean> out = new LinkedHashMap<>();
    allow.forEach(a -> out.put(a, true));
    for (String d : deny) {
      if (out.put(d, false) != null) {
        throw AwsFailures.invalidInput("VerifyAccess: " + d + " is both allowed and denied");
      }
    }
    if (out.isEmpty()) {
      throw AwsFailures.invalidInput("VerifyAccess: nothing to verify (allow and deny are empty)");
    }
    return out;
  }

  private String roleArn(VerifyAccessInput in) {
    if (in.roleArn() != null && !in.roleArn().isBlank()) {
      return in.roleArn();
    }
    String name = Inputs.require(in.roleName(), "roleName (or roleArn)", "VerifyAccess");
    return iam.getRole(b -> b.roleName(name)).role().arn();
  }

  static String probeKey(String labId) {
    return "labflow-probe/" + labId + "/probe.txt";
  }

  static String seedKey(String labId) {
    return "labflow-probe/" + labId + "/seed.txt";
  }

  private static String resourceFor(String action, String bucket, String labId) {
    return PolicyDocuments.isBucketAction(action)
        ? PolicyDocuments.bucketArn(bucket)
        : PolicyDocuments.bucketArn(bucket) + "/" + probeKey(labId);
  }

  // ---------------------------------------------------------------- simulate

  private List<AccessCheck> simulate(
      String roleArn, String bucket, String labId, Map<String, Boolean> expected) {
    List<AccessCheck> out = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      String resource = resourceFor(e.getKey(), bucket, labId);
      List<EvaluationResult> results =
          iam.simulatePrincipalPolicyPaginator(
                  b ->
                      b.policySourceArn(roleArn)
                          .actionNames(e.getKey())
                          .resourceArns(resource))
              .evaluationResults()
              .stream()
              .toList();
      String decision =
          results.isEmpty() ? "implicitDeny" : results.get(0).evalDecisionAsString();
      out.add(
          new AccessCheck(
              e.getKey(), resource, e.getValue(), "allowed".equals(decision), decision));
    }
    return out;
  }

  // ---------------------------------------------------------------- probe

  /** Acts as the role; null when the role cannot be assumed yet (trust not propagated). */
  private List<AccessCheck> probe(
      String roleArn, String bucket, String labId, Map<String, Boolean> expected) {
    Credentials creds;
    try {
      creds =
          sts.assumeRole(
                  b ->
                      b.roleArn(roleArn)
                          .roleSessionName(sessionName(labId))
                          .durationSeconds(900))
              .credentials();
    } catch (StsException e) {
      if (AwsFailures.hasCode(e, "AccessDenied")) {
        log.info("lab {}: cannot assume {} yet: {}", labId, roleArn, AwsFailures.errorCode(e));
        return null;
      }
      throw e;
    }
    StaticCredentialsProvider provider =
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(
                creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken()));
    Map<String, AccessCheck> results = new LinkedHashMap<>();
    String probe = probeKey(labId);
    String seed = seedKey(labId);
    try (S3Client as = clients.s3As(provider)) {
      if (expected.containsKey("s3:ListBucket")) {
        results.put(
            "s3:ListBucket",
            check(
                "s3:ListBucket",
                bucket,
                labId,
                expected,
                () -> as.listObjectsV2(b -> b.bucket(bucket).maxKeys(1))));
      }
      boolean putAllowed = false;
      if (expected.containsKey("s3:PutObject")) {
        AccessCheck put =
            check(
                "s3:PutObject",
                bucket,
                labId,
                expected,
                () ->
                    as.putObject(
                        b -> b.bucket(bucket).key(probe),
                        RequestBody.fromString("labflow probe " + labId)));
        putAllowed = put.allowed();
        results.put("s3:PutObject", put);
      }
      if (expected.containsKey("s3:GetObject")) {
        // Without the role's own object, read one the worker seeded with its own credentials.
        String key = putAllowed ? probe : seed;
        if (!putAllowed) {
          s3.putObject(b -> b.bucket(bucket).key(seed), RequestBody.fromString("labflow seed"));
        }
        results.put(
            "s3:GetObject",
            check(
                "s3:GetObject",
                bucket,
                labId,
                expected,
                () -> as.getObjectAsBytes(b -> b.bucket(bucket).key(key))));
      }
      if (expected.containsKey("s3:DeleteObject")) {
        s3.putObject(b -> b.bucket(bucket).key(seed), RequestBody.fromString("labflow seed"));
        results.put(
            "s3:DeleteObject",
            check(
                "s3:DeleteObject",
                bucket,
                labId,
                expected,
                () -> as.deleteObject(b -> b.bucket(bucket).key(seed))));
      }
    } finally {
      // The role may lack DeleteObject, so the worker removes whatever the probe wrote.
      s3.deleteObject(b -> b.bucket(bucket).key(probe));
      s3.deleteObject(b -> b.bucket(bucket).key(seed));
    }
    return List.copyOf(results.values());
  }

  private static AccessCheck check(
      String action, String bucket, String labId, Map<String, Boolean> expected, Runnable call) {
    String resource = resourceFor(action, bucket, labId);
    try {
      call.run();
      return new AccessCheck(action, resource, expected.get(action), true, "succeeded");
    } catch (S3Exception e) {
      // Only AccessDenied is an answer about permissions; a bad signature or key is a failure.
      if (AwsFailures.hasCode(e, "AccessDenied")) {
        return new AccessCheck(
            action, resource, expected.get(action), false, AwsFailures.errorCode(e));
      }
      throw e;
    }
  }

  private static String sessionName(String labId) {
    String s = ("labflow-" + labId).replaceAll("[^\\w+=,.@-]", "-");
    return s.length() > 64 ? s.substring(0, 64) : s;
  }

  private static List<AccessCheck> mismatchesFirst(List<AccessCheck> matrix) {
    List<AccessCheck> out = new ArrayList<>();
    matrix.stream().filter(c -> c.allowed() != c.expectedAllowed()).forEach(out::add);
    matrix.stream().filter(c -> c.allowed() == c.expectedAllowed()).forEach(out::add);
    return out;
  }

  static String render(List<AccessCheck> matrix) {
    StringBuilder sb = new StringBuilder();
    for (AccessCheck c : matrix) {
      sb.append(c.allowed() == c.expectedAllowed() ? "  ok       " : "  MISMATCH ")
          .append(c.action())
          .append(" on ")
          .append(c.resource())
          .append(": expected ")
          .append(c.expectedAllowed() ? "allow" : "deny")
          .append(", got ")
          .append(c.allowed() ? "allow" : "deny")
          .append(" (")
          .append(c.detail())
          .append(")\n");
    }
    return sb.toString();
  }
}
