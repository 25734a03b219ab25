package io.labflow.activities.s3;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.workflows.lab.FailureTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Tag;

/** Bucket helpers: a bucket's tags, whose it is, and emptying it before its deletion. */
public record S3Buckets(S3Client s3) {

  public static final String NO_SUCH_BUCKET = "NoSuchBucket";

  /** The bucket's tags, empty when it has none; null when the bucket does not exist. */
  public List<Tag> tags(String bucket) {
    Supplier<List<Tag>> tagSet = () -> AwsErrors.emptyOn(
        () -> s3.getBucketTagging(b -> b.bucket(bucket)).tagSet(), "NoSuchTagSet")
        .orElse(List.of());
    return AwsErrors.emptyOn(tagSet, NO_SUCH_BUCKET).orElse(null);
  }

  /** Whether the bucket exists and carries this lab's tag. */
  public boolean ownedBy(String bucket, String labId) {
    List<Tag> tags = tags(bucket);
    return tags != null && Tags.owned(tags, Tag::key, Tag::value, labId);
  }

  /**
   * Whether the bucket exists without this lab's tag (someone else's, nobody's labflow knows, or
   * in another Region), so that a stack of the lab cannot create it. S3 answers AccessDenied for
   * another account's bucket, as for one of the worker's account it may not read; only ListBuckets
   * (the account's own buckets) tells them apart, and the second stays a failure the operator must
   * see.
   */
  public boolean takenFrom(String bucket, String labId) {
    List<Tag> tags;
    try {
      tags = tags(bucket);
    } catch (AwsServiceException e) {
      if (e.statusCode() == 301) {
        return true; // PermanentRedirect: it lives in another Region, whoever's it is.
      }
      if (AwsFailures.hasCode(e, FailureTypes.ACCESS_DENIED)
          && s3.listBuckets(b -> b.prefix(bucket)).buckets().stream()
              .noneMatch(b -> b.name().equals(bucket))) {
        return true;
      }
      throw e;
    }
    return tags != null && !Tags.owned(tags, Tag::key, Tag::value, labId);
  }

  /**
   * Deletes every object version and delete marker; returns how many there were.
   *
   * @throws io.temporal.failure.ApplicationFailure non-retryable, of the error's code, when S3
   *     refuses to delete one
   */
  public int empty(String bucket) {
    List<ObjectIdentifier> all = new ArrayList<>();
    AwsErrors.doneUnless(() -> {
      for (ListObjectVersionsResponse page :
          s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
        page.versions().forEach(v -> all.add(id(v.key(), v.versionId())));
        page.deleteMarkers().forEach(m -> all.add(id(m.key(), m.versionId())));
      }
      // DeleteObjects takes at most 1,000 keys a call.
      for (int i = 0; i < all.size(); i += 1000) {
        List<ObjectIdentifier> batch = all.subList(i, Math.min(i + 1000, all.size()));
        // S3 answers 200 and says per key what it refused (object lock, a policy, permissions).
        s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)))
            .errors().stream().findFirst().ifPresent(e -> {
              throw AwsFailures.nonRetryable("S3 DeleteObjects refused to delete " + e.key()
                  + " of bucket " + bucket + ": " + e.code() + ": " + e.message(), e.code());
            });
      }
    }, NO_SUCH_BUCKET);
    return all.size();
  }

  /** Empties and deletes the bucket; false when it was already gone. */
  public boolean delete(String bucket) {
    empty(bucket);
    return AwsErrors.doneUnless(() -> s3.deleteBucket(b -> b.bucket(bucket)), NO_SUCH_BUCKET);
  }

  private static ObjectIdentifier id(String key, String versionId) {
    return ObjectIdentifier.builder().key(key).versionId(versionId).build();
  }
}
