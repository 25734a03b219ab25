package io.labflow.activities.iam.policies;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.Limit;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.util.List;

/**
 * A lab's managed policies over its bucket: the policy, its default version, and its attachment to
 * the lab's roles (ownership rules in {@code iam}).
 */
@ActivityInterface
public interface PolicyActivities {

  /**
   * Creates a managed policy allowing the actions on one bucket (never on {@code "*"} unless
   * {@code resourceWildcard}). Adopting an owned policy whose default document differs creates a
   * new default version.
   */
  @ActivityMethod(name = "CreatePolicy")
  PolicyOutput createPolicy(CreatePolicyInput input);

  /**
   * Makes a new default version of an owned policy, deleting the oldest non-default version when
   * the policy already has five. Does nothing when the default already has this document.
   */
  @ActivityMethod(name = "CreatePolicyVersion")
  PolicyVersionOutput createPolicyVersion(CreatePolicyVersionInput input);

  /** Deletes an owned policy: non-default versions, attachments, then the policy. */
  @ActivityMethod(name = "DeletePolicy")
  DeleteOutput deletePolicy(DeletePolicyInput input);

  /** Attaches a managed policy to an owned role; attaching twice is success. */
  @ActivityMethod(name = "AttachRolePolicy")
  RolePolicyOutput attachRolePolicy(RolePolicyInput input);

  /** Detaches a managed policy from an owned role; detaching a non-attached policy is success. */
  @ActivityMethod(name = "DetachRolePolicy")
  RolePolicyOutput detachRolePolicy(RolePolicyInput input);

  /** Input of CreatePolicyVersion; the policy is named by ARN or by name. */
  record CreatePolicyVersionInput(
      String labId,
      @Nullable String policyArn,
      @Nullable String policyName,
      String bucketName,
      List<String> actions,
      @Nullable Boolean resourceWildcard) {}

  /** Input of DeletePolicy; the policy is named by ARN or by name. */
  record DeletePolicyInput(String labId, @Nullable String policyArn, @Nullable String policyName) {}

  /** Result of CreatePolicy; {@code document} is the default version's JSON. */
  record PolicyOutput(
      String policyArn,
      String policyName,
      String document,
      String defaultVersionId,
      boolean adopted) {}

  /**
   * Result of CreatePolicyVersion: {@code created} is false when the default version already had
   * this document.
   */
  record PolicyVersionOutput(
      String policyArn, String versionId, String document, boolean created) {}

  /**
   * Result of AttachRolePolicy / DetachRolePolicy: whether the policy is attached now and whether
   * this call changed it.
   */
  record RolePolicyOutput(String roleName, String policyArn, boolean attached, boolean changed) {}

  /** Input of CreatePolicy: a managed policy allowing {@code actions} on one bucket. */
  record CreatePolicyInput(
      String labId,
      @Limit(what = "IAM policy name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+",
          rule = "letters, digits and +=,.@_-")
          String policyName,
      @Limit(what = PolicyDocuments.S3_BUCKET, min = 3, max = 63,
          pattern = PolicyDocuments.BUCKET_PATTERN, rule = PolicyDocuments.BUCKET_RULE)
          String bucketName,
      List<String> actions,
      @Nullable Boolean resourceWildcard) {}

  /**
   * Input of AttachRolePolicy and DetachRolePolicy; the policy is named by ARN or by name (a
   * customer managed policy of this account).
   */
  record RolePolicyInput(
      String labId, String roleName, @Nullable String policyArn, @Nullable String policyName) {}
}
