package io.labflow.activities.verification;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.verification.AccessVerificationActivities.AccessCheck;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * VerifyAccess by probe: acts as the lab role (its temporary credentials) on the bucket and
 * records which calls S3 allows. What the probe writes, the worker removes with its own
 * credentials.
 */
final class AccessProbe {

  private static final Logger log = LoggerFactory.getLogger(AccessProbe.class);

  private final AwsClients clients;
  private final StsClient sts;
  private final S3Client s3;

  AccessProbe(AwsClients clients) {
    this.clients = clients;
    this.sts = clients.sts();
    this.s3 = clients.s3();
  }

  /** A probe's object: {@code probe.txt} written as the role, {@code seed.txt} by the worker. */
  private static String key(String labId, String file) {
    return LabIds.NAME_PREFIX + "probe/" + labId + "/" + file;
  }

  /** The ARN an action is checked on: the bucket, or the probe's object in it. */
  static String resourceFor(String action, String bucket, String labId) {
    return PolicyDocuments.isBucketAction(action)
        ? PolicyDocuments.bucketArn(bucket)
        : PolicyDocuments.bucketArn(bucket) + "/" + key(labId, "probe.txt");
  }

  /** Acts as the role; null when the role cannot be assumed yet (trust not propagated). */
  List<AccessCheck> probe(
      String roleArn, String bucket, String labId, Map<String, Boolean> expected) {
    Optional<Credentials> assumed = AwsErrors.emptyOn(() -> sts.assumeRole(b -> b.roleArn(roleArn)
        .roleSessionName(sessionName(labId)).durationSeconds(900)).credentials(),
        FailureTypes.ACCESS_DENIED);
    if (assumed.isEmpty()) {
      log.info("lab {}: cannot assume {} yet: {}", labId, roleArn, FailureTypes.ACCESS_DENIED);
      return null;
    }
    Credentials creds = assumed.get();
    StaticCredentialsProvider provider = StaticCredentialsProvider.create(AwsSessionCredentials
        .create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken()));
    Map<String, AccessCheck> results = new LinkedHashMap<>();
    String probe = key(labId, "probe.txt");
    String seed = key(labId, "seed.txt");
    BiConsumer<String, Runnable> attempt = (action, call) -> {
      if (expected.containsKey(action)) {
        results.put(action, check(action, bucket, labId, expected, call));
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

  private static AccessCheck check(
      String action, String bucket, String labId, Map<String, Boolean> expected, Runnable call) {
    String resource = resourceFor(action, bucket, labId);
    // Only AccessDenied is an answer about permissions; a bad signature or key is a failure.
    boolean allowed = AwsErrors.doneUnless(call, FailureTypes.ACCESS_DENIED);
    return new AccessCheck(
        action, resource, expected.get(action), allowed, allowed ? "succeeded" : FailureTypes.ACCESS_DENIED);
  }

  private static String sessionName(String labId) {
    String s = (LabIds.NAME_PREFIX + labId).replaceAll("[^\\w+=,.@-]", "-");
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
