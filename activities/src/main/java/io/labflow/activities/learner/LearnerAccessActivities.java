package io.labflow.activities.learner;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.Limit;
import io.labflow.activities.quotas.Quota;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.util.List;

/**
 * The learner's scoped credentials (learner mode): a role whose sessions may do the tutorial's IAM
 * actions only on the lab's own names, and the permissions boundary every role the learner creates
 * must carry. The policies are {@link LearnerPolicies}'.
 *
 * <p>And the adoption of what a learner made: the resource is tagged as the lab's, so that the undo
 * actions (DeleteRole, DeletePolicy, DeleteInstanceProfile, ...), teardown and the nightly sweep
 * remove it. Only a resource named for the lab ({@code labflow-<lab id>-...}), without another
 * lab's tag, and created at or after {@code notBefore} (the lab's start) is adopted; anything else
 * fails {@code NotOwned}, non-retryable, and nothing is changed. A missing resource fails {@code
 * NotFound}, non-retryable, unless {@code ifExists} is true: then there is nothing to do (a solve
 * that makes the resource adopts first what the learner may have made). Adopting what is already
 * the lab's does nothing ({@code tagged=false}).
 */
@ActivityInterface
public interface LearnerAccessActivities {

  /**
   * Creates (or, on a retry of the same run, adopts) the boundary policy, then the learner role,
   * trusted by {@code trustedPrincipalArn} only, sessions up to 12 hours, with its policy (a managed
   * policy of the role's name).
   */
  @ActivityMethod(name = "CreateLearnerAccess")
  LearnerAccessOutput createLearnerAccess(CreateLearnerAccessInput input);

  /**
   * The compensation of CreateLearnerAccess, in three parts, each only when its fields are given:
   * the revoke ({@code learnerRoleName}: the learner role and its policy), the take (what the
   * learner made under {@code roleName}, {@code policyName}, {@code instanceProfileName} at or
   * after {@code notBefore}, carrying no other lab's tag: tagged as the lab's, then deleted as the
   * lab's own resources are), then the boundary. On AWS a deleted role's sessions act for seconds:
   * a definition takes in an undo that runs well after the revoke's. Idempotent; never touches
   * anything else.
   */
  @ActivityMethod(name = "DeleteLearnerAccess")
  DeleteLearnerAccessOutput deleteLearnerAccess(DeleteLearnerAccessInput input);

  @ActivityMethod(name = "AdoptRole")
  AdoptOutput adoptRole(AdoptRoleInput input);

  @ActivityMethod(name = "AdoptPolicy")
  AdoptOutput adoptPolicy(AdoptPolicyInput input);

  @ActivityMethod(name = "AdoptInstanceProfile")
  AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput input);

  /** Input of AdoptRole; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptRoleInput(
      String labId, String roleName, String notBefore, @Nullable Boolean ifExists) {}

  /** Input of AdoptPolicy; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptPolicyInput(
      String labId, String policyName, String notBefore, @Nullable Boolean ifExists) {}

  /** Input of AdoptInstanceProfile; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptInstanceProfileInput(
      String labId, String instanceProfileName, String notBefore, @Nullable Boolean ifExists) {}

  /**
   * The resource adopted (null: it does not exist, {@code ifExists}), and whether this call tagged
   * it (false: it was already the lab's).
   */
  record AdoptOutput(String arn, boolean tagged) {}

  /**
   * Input of CreateLearnerAccess: the learner's role {@code learnerRoleName}, which {@code
   * trustedPrincipalArn} (the operator who issues the credentials) may assume, and the permissions
   * boundary {@code boundaryPolicyName} every role the learner creates must carry; the learner may
   * put an instance profile only on {@code instanceId} (when given) and only while it carries the
   * lab's tag.
   */
  record CreateLearnerAccessInput(
      String labId,
      @Limit(what = Quota.ROLE_AND_POLICY_NAME, max = 64, pattern = "[A-Za-z0-9+=,.@_-]+",
          rule = "letters, digits and +=,.@_-")
          String learnerRoleName,
      @Limit(what = "IAM policy name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+",
          rule = "letters, digits and +=,.@_-")
          String boundaryPolicyName,
      @Limit(what = "trusted principal ARN", max = 2048, format = "arn") String trustedPrincipalArn,
      @Limit(what = PolicyDocuments.S3_BUCKET, min = 3, max = 63,
          pattern = PolicyDocuments.BUCKET_PATTERN, rule = PolicyDocuments.BUCKET_RULE)
          String bucketName,
      @Nullable String instanceId) {}

  /**
   * Input of DeleteLearnerAccess: the learner access to remove, and the names under which the
   * learner worked ({@code roleName}, {@code policyName}, {@code instanceProfileName}, the
   * profile's association with {@code instanceId}). {@code notBefore} (ISO-8601 instant, the lab's
   * start, required with any of those names): what was created earlier is never touched.
   */
  record DeleteLearnerAccessInput(
      String labId,
      @Nullable String learnerRoleName,
      @Nullable String boundaryPolicyName,
      @Nullable String notBefore,
      @Nullable String roleName,
      @Nullable String policyName,
      @Nullable String instanceProfileName,
      @Nullable String instanceId) {}

  /**
   * Result of DeleteLearnerAccess: what was deleted ({@code role/...}, {@code policy/...}, {@code
   * instance-profile/...}, {@code association/...}) and what was left because it is not the lab's
   * (created before the lab, or another lab's), each with why.
   */
  record DeleteLearnerAccessOutput(List<String> deleted, List<String> untouched) {}

  /** Result of CreateLearnerAccess: the role whose sessions are the learner's credentials. */
  record LearnerAccessOutput(String learnerRoleArn, String boundaryPolicyArn) {}
}
