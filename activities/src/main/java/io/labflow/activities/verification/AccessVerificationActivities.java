package io.labflow.activities.verification;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.VerifyAccessInput;
import io.labflow.activities.model.VerifyAccessOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

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
}
