package io.labflow.activities.verification;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.Limit;
import io.labflow.activities.model.Opposite;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.util.List;

/** Checks that a role can do exactly what a lab variant promises on its bucket. */
@ActivityInterface
public interface AccessVerificationActivities {

  /**
   * Builds the allow/deny matrix of the role on the bucket, by IAM policy simulation ({@code
   * simulate}, the default) or by really acting as the role ({@code probe}: AssumeRole, then
   * ListObjectsV2 / PutObject / GetObject / DeleteObject under {@code labflow-probe/<labId>/},
   * removing what it wrote). A mismatch is retried while IAM changes propagate, then fails
   * {@code AccessMismatch} with the whole matrix in the message. Credentials of the role stay in
   * memory: never returned, logged or put in a heartbeat.
   */
  @LongRunning
  @ActivityMethod(name = "VerifyAccess")
  VerifyAccessOutput verifyAccess(VerifyAccessInput input);

  /**
   * Input of VerifyAccess. The role is named by ARN or name; {@code method} is simulate (default)
   * or probe; {@code budgetSeconds} bounds the wait for IAM propagation (default 120).
   */
  record VerifyAccessInput(
      String labId,
      @Nullable String roleArn,
      @Nullable String roleName,
      String bucketName,
      List<String> allow,
      @Opposite("allow") List<String> deny,
      @Nullable String method,
      @Nullable @Limit(what = Limit.BUDGET, min = 0, max = Limit.MAX_BUDGET)
          Integer budgetSeconds) {}

  /** Result of VerifyAccess: the matrix of the last attempt. */
  record VerifyAccessOutput(String method, String roleArn, String bucketName,
      List<AccessCheck> matrix, int attempts, boolean matches) {}

  /** One cell of the access matrix. */
  record AccessCheck(String action, String resource, boolean expectedAllowed, boolean allowed,
      @Nullable String detail) {}
}
