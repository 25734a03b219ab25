package io.labflow.activities.verification;

import static java.util.stream.Collectors.joining;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.S3Actions;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** {@link AccessVerificationActivities} over the AWS SDK. */
public record AccessVerificationActivitiesImpl(AwsClients clients)
    implements AccessVerificationActivities {

  private static final Logger log = LoggerFactory.getLogger(AccessVerificationActivitiesImpl.class);
  /** What a probe does as the role: list the bucket, put, get and delete an object. */
  private static final List<String> PROBE_ACTIONS =
      List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject");
  private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(120);

  @Override
  public VerifyAccessOutput verifyAccess(VerifyAccessInput in) {
    String labId = in.labId();
    String bucket = in.bucketName();
    Map<String, Boolean> expected = expectations(in.allow(), in.deny(), "VerifyAccess");
    String method = Inputs.orDefault(in.method(), "simulate");
    if (!method.equals("simulate") && !method.equals("probe")) {
      throw AwsFailures.invalidInput("VerifyAccess: method must be simulate or probe: " + method);
    }
    for (String a : method.equals("probe") ? expected.keySet() : Set.<String>of()) {
      probeProblem(a).ifPresent(p -> {
        throw AwsFailures.invalidInput("VerifyAccess: " + p);
      });
    }
    Duration budget =
        in.budgetSeconds() == null ? DEFAULT_BUDGET : Duration.ofSeconds(in.budgetSeconds());
    String roleArn = Inputs.orDefault(in.roleArn(), null) != null ? in.roleArn()
        : clients.iam().getRole(b -> b.roleName(
            Inputs.require(in.roleName(), "roleName (or roleArn)", "VerifyAccess"))).role().arn();
    if (method.equals("probe") && !new S3Buckets(clients.s3()).ownedBy(bucket, labId)) {
      throw AwsFailures.notOwned("bucket " + bucket, labId);
    }
    Matrix m = untilMatching("verifying access of " + roleArn, budget,
        () -> method.equals("simulate")
        ? simulate(clients.iam(), roleArn, bucket, labId, expected)
        : probe(roleArn, bucket, labId, expected));
    if (!m.matches()) {
      // Mismatches first: a long matrix is cut to the failure size bound from the end.
      String matrix = m.cells() == null ? "role could not be assumed" : m.cells().stream()
          .sorted(Comparator.comparing(c -> c.allowed() == c.expectedAllowed()))
          .map(c -> String.format("  %-9s%s on %s: expected %s, got %s (%s)\n",
              c.allowed() == c.expectedAllowed() ? "ok" : "MISMATCH", c.action(), c.resource(),
              c.expectedAllowed() ? "allow" : "deny", c.allowed() ? "allow" : "deny", c.detail()))
          .collect(joining());
      throw AwsFailures.nonRetryable(String.format(
              "access of %s on bucket %s differs from the expectation after %s over %s (%s):\n%s",
              roleArn, bucket, attempts(m.attempts()), Durations.format(budget), method, matrix),
          FailureTypes.ACCESS_MISMATCH);
    }
    log.info("lab {}: access of {} verified by {} in {}",
        labId, roleArn, method, attempts(m.attempts()));
    return new VerifyAccessOutput(method, roleArn, bucket, m.cells(), m.attempts(), true);
  }

  /** Why a probe cannot verify the action; empty when it can. */
  public static Optional<String> probeProblem(String action) {
    return PROBE_ACTIONS.contains(action) ? Optional.empty() : Optional.of("probe can check only "
        + String.join(", ", PROBE_ACTIONS) + ", not " + action);
  }

  /**
   * The last matrix of the attempts (null: the role could not be assumed) and how many there were.
   */
  public record Matrix(List<AccessCheck> cells, int attempts) {
    /** The first cell that differs from the expectation. */
    public Optional<AccessCheck> mismatch() {
      return cells == null ? Optional.empty()
          : cells.stream().filter(c -> c.allowed() != c.expectedAllowed()).findFirst();
    }

    boolean matches() {
      return cells != null && mismatch().isEmpty();
    }
  }

  /**
   * Asks for the matrix again while it differs from the expectation (IAM propagating a change), for
   * at most {@code budget}: VerifyAccess's loop and CheckAccess's.
   */
  public static Matrix untilMatching(
      String what, Duration budget, Supplier<List<AccessCheck>> ask) {
    AtomicReference<Matrix> last = new AtomicReference<>(new Matrix(null, 0));
    Waiting.untilPresent(what, budget, () -> {
      Matrix m = new Matrix(ask.get(), last.get().attempts() + 1);
      last.set(m);
      return m.matches() ? m : null;
    }, () -> last.get().mismatch().map(c -> c.action() + " " + decision(c.allowed())
        + ", expected " + decision(c.expectedAllowed())).orElse(null));
    return last.get();
  }

  /** An access decision as the step library says it: allowed or denied. */
  public static String decision(boolean allowed) {
    return allowed ? "allowed" : "denied";
  }

  /**
   * Each action to its expected decision (true: allowed), in order: allowed ones first.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} when both are empty, or an
   *     action is in both
   */
  public static Map<String, Boolean> expectations(
      List<String> allow, List<String> deny, String action) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    allow.forEach(a -> out.put(a, true));
    for (String d : deny) {
      if (out.put(d, false) != null) {
        throw AwsFailures.invalidInput(action + ": " + d + " is both allowed and denied");
      }
    }
    if (out.isEmpty()) {
      throw AwsFailures.invalidInput(action + ": nothing to verify (allow and deny are empty)");
    }
    return out;
  }

  /**
   * One evaluation of the role's access by IAM's policy simulator: each action on its own resource
   * (the bucket, or an object under the lab's probe prefix), without waiting for propagation.
   */
  public static List<AccessCheck> simulate(
      IamClient iam, String roleArn, String bucket, String labId, Map<String, Boolean> expected) {
    List<AccessCheck> out = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      String resource = resourceFor(e.getKey(), bucket, labId);
      String decision = iam.simulatePrincipalPolicyPaginator(b -> b.policySourceArn(roleArn)
              .actionNames(e.getKey()).resourceArns(resource))
          .evaluationResults().stream().findFirst()
          .map(EvaluationResult::evalDecisionAsString).orElse("implicitDeny");
      out.add(new AccessCheck(
          e.getKey(), resource, e.getValue(), "allowed".equals(decision), decision));
    }
    return out;
  }

  /** A probe's object: {@code probe.txt} written as the role, {@code seed.txt} by the worker. */
  private static String key(String labId, String file) {
    return LabIds.NAME_PREFIX + "probe/" + labId + "/" + file;
  }

  /** The ARN an action is checked on: the bucket, or the probe's object in it. */
  private static String resourceFor(String action, String bucket, String labId) {
    return S3Actions.onBucket(action)
        ? PolicyDocuments.bucketArn(bucket)
        : PolicyDocuments.bucketArn(bucket) + "/" + key(labId, "probe.txt");
  }

  /**
   * VerifyAccess by probe: acts as the lab role (its temporary credentials) on the bucket and
   * records which calls S3 allows; what the probe writes, the worker removes with its own
   * credentials. Null when the role cannot be assumed yet (trust not propagated).
   */
  private List<AccessCheck> probe(
      String roleArn, String bucket, String labId, Map<String, Boolean> expected) {
    StsClient sts = clients.sts();
    String session = (LabIds.NAME_PREFIX + labId).replaceAll("[^\\w+=,.@-]", "-");
    Optional<Credentials> assumed = AwsErrors.emptyOn(() -> sts.assumeRole(b -> b.roleArn(roleArn)
        .roleSessionName(session.substring(0, Math.min(64, session.length())))
        .durationSeconds(900)).credentials(), FailureTypes.ACCESS_DENIED);
    if (assumed.isEmpty()) {
      log.info("lab {}: cannot assume {} yet: {}", labId, roleArn, FailureTypes.ACCESS_DENIED);
      return null;
    }
    Credentials creds = assumed.get();
    StaticCredentialsProvider provider = StaticCredentialsProvider.create(AwsSessionCredentials
        .create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken()));
    S3Client s3 = clients.s3();
    Map<String, AccessCheck> results = new LinkedHashMap<>();
    String probe = key(labId, "probe.txt");
    String seed = key(labId, "seed.txt");
    BiConsumer<String, Runnable> attempt = (action, call) -> {
      if (expected.containsKey(action)) {
        // Only AccessDenied is an answer about permissions; a bad signature or key is a failure.
        boolean allowed = AwsErrors.doneUnless(call, FailureTypes.ACCESS_DENIED);
        results.put(action, new AccessCheck(action, resourceFor(action, bucket, labId),
            expected.get(action), allowed, allowed ? "succeeded" : FailureTypes.ACCESS_DENIED));
      }
    };
    try (S3Client as = clients.s3As(provider)) {
      attempt.accept("s3:ListBucket", () -> as.listObjectsV2(b -> b.bucket(bucket).maxKeys(1)));
      attempt.accept("s3:PutObject", () -> as.putObject(b -> b.bucket(bucket).key(probe),
          RequestBody.fromString("labflow probe " + labId)));
      boolean putAllowed = results.containsKey("s3:PutObject")
          && results.get("s3:PutObject").allowed();
      if (expected.containsKey("s3:GetObject") && !putAllowed) {
        // Without the role's own object, read one the worker seeded with its own credentials.
        s3.putObject(b -> b.bucket(bucket).key(seed), RequestBody.fromString("labflow seed"));
      }
      attempt.accept("s3:GetObject",
          () -> as.getObjectAsBytes(b -> b.bucket(bucket).key(putAllowed ? probe : seed)));
      if (expected.containsKey("s3:DeleteObject")) {
        s3.putObject(b -> b.bucket(bucket).key(seed), RequestBody.fromString("labflow seed"));
      }
      attempt.accept("s3:DeleteObject", () -> as.deleteObject(b -> b.bucket(bucket).key(seed)));
    } finally {
      // The role may lack DeleteObject, so the worker removes whatever the probe wrote.
      s3.deleteObject(b -> b.bucket(bucket).key(probe));
      s3.deleteObject(b -> b.bucket(bucket).key(seed));
    }
    return List.copyOf(results.values());
  }

  private static String attempts(int n) {
    return n + (n == 1 ? " attempt" : " attempts");
  }
}
