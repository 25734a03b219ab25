package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;

/** Input of CreatePolicy: a managed policy allowing {@code actions} on one bucket. */
public record CreatePolicyInput(
    String labId,
    @Limit(what = "IAM policy name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+", rule = "letters, digits and +=,.@_-")
        String policyName,
    @Limit(what = S3_BUCKET, min = 3, max = 63, pattern = BUCKET_PATTERN, rule = BUCKET_RULE)
        String bucketName,
    List<String> actions,
    @Nullable Boolean resourceWildcard) {

  /** S3's bucket naming rules (the lab template passes the name on as BucketName). */
  public static final String S3_BUCKET = "S3 bucket name";

  public static final String BUCKET_PATTERN = "(?!xn--)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]*[a-z0-9](?<!-s3alias)";

  public static final String BUCKET_RULE =
      "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,"
          + " without two dots in a row or an xn-- prefix";
}
