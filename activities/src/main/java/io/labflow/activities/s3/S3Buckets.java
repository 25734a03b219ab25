package io.labflow.activities.s3;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Tag;

/** Bucket helpers: the ownership test and emptying a bucket before its deletion. */
public final class S3Buckets {

  public static final String NO_SUCH_BUCKET = "NoSuchBucket";

  private final S3Client s3;

  public S3Buckets(S3Client s3) {
    this.s3 = s3;
  }

  /** Whether the bucket carries this lab's tag; a bucket without tags or gone is not owned. */
  public boolean ownedBy(String bucket, String labId) {
    return AwsErrors.emptyOn(
            () -> s3.getBucketTagging(b -> b.bucket(bucket)).tagSet(), "NoSuchTagSet", NO_SUCH_BUCKET)
        .map(tags -> Tags.owned(tags, Tag::key, Tag::value, labId))
        .orElse(false);
  }

  /**
   * Whether the bucket exists without this lab's tag (someone else's, or nobody's labflow knows),
   * so that a stack of the lab cannot create it; false when it does not exist or is the lab's.
   */
  public boolean takenFrom(String bucket, String labId) {
    try {
      return !Tags.owned(s3.getBucketTagging(b -> b.bucket(bucket)).tagSet(), Tag::key, Tag::value, labId);
    } catch (AwsServiceException e) {
      if (AwsFailures.hasCode(e, NO_SUCH_BUCKET)) {
        return false;
      }
      if (AwsFailures.hasCode(e, "NoSuchTagSet")) {
        return true;
      }
      throw e;
    }
  }

  /** Deletes every object version and delete marker; returns how many were removed. */
  public int empty(String bucket) {
    int[] removed = {0};
    List<ObjectIdentifier> batch = new ArrayList<>();
    AwsErrors.doneUnless(
        () -> {
          for (ObjectVersion v : s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
            batch.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build());
            removed[0] += flushIfFull(bucket, batch);
          }
          for (var m : s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).deleteMarkers()) {
            batch.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build());
            removed[0] += flushIfFull(bucket, batch);
          }
          removed[0] += flush(bucket, batch);
        },
        NO_SUCH_BUCKET);
    return removed[0];
  }

  /** Empties and deletes the bucket; false when it was already gone. */
  public boolean delete(String bucket) {
    empty(bucket);
    return AwsErrors.doneUnless(() -> s3.deleteBucket(b -> b.bucket(bucket)), NO_SUCH_BUCKET);
  }

  private int flushIfFull(String bucket, List<ObjectIdentifier> batch) {
    return batch.size() >= 1000 ? flush(bucket, batch) : 0;
  }

  private int flush(String bucket, List<ObjectIdentifier> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    int n = batch.size();
    List<ObjectIdentifier> copy = List.copyOf(batch);
    s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(copy).quiet(true).build()));
    batch.clear();
    return n;
  }
}
