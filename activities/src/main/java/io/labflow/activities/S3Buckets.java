package io.labflow.activities;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/** Bucket helpers: the ownership test and emptying a bucket before its deletion. */
final class S3Buckets {

  private final S3Client s3;

  S3Buckets(S3Client s3) {
    this.s3 = s3;
  }

  /** Whether the bucket carries this lab's tag; a bucket without tags or gone is not owned. */
  boolean ownedBy(String bucket, String labId) {
    try {
      List<Tag> tags = s3.getBucketTagging(b -> b.bucket(bucket)).tagSet();
      return Tags.owned(tags, Tag::key, Tag::value, labId);
    } catch (S3Exception e) {
      if (AwsFailures.hasCode(e, "NoSuchTagSet", "NoSuchBucket")) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes every object version and delete marker; returns how many were removed. */
  int empty(String bucket) {
    int removed = 0;
    List<ObjectIdentifier> batch = new ArrayList<>();
    try {
      for (ObjectVersion v : s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
        batch.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build());
        removed += flushIfFull(bucket, batch);
      }
      for (var m : s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).deleteMarkers()) {
        batch.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build());
        removed += flushIfFull(bucket, batch);
      }
      removed += flush(bucket, batch);
    } catch (S3Exception e) {
      if (AwsFailures.hasCode(e, "NoSuchBucket")) {
        return removed;
      }
      throw e;
    }
    return removed;
  }

  /** Empties and deletes the bucket; false when it was already gone. */
  boolean delete(String bucket) {
    empty(bucket);
    try {
      s3.deleteBucket(b -> b.bucket(bucket));
      return true;
    } catch (S3Exception e) {
      if (AwsFailures.hasCode(e, "NoSuchBucket")) {
        return false;
      }
      throw e;
    }
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
