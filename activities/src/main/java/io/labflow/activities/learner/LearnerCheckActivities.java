package io.labflow.activities.learner;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.Limit;
import io.labflow.activities.model.Opposite;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.util.List;

/**
 * The checks of a learner's work: each reads the learner's resources (never changes them) and
 * answers whether one condition holds, with one sentence saying what was found. A condition that
 * does not hold is {@code passed=false}, never a failure; only AWS errors fail (transient ones
 * retried as usual) and bad input ({@code InvalidInput}). Each input record says its condition.
 */
@ActivityInterface
public interface LearnerCheckActivities {

  /**
   * The role exists and its trust policy lets exactly that service assume it: no other principal,
   * no {@code *}, no account, no other statement.
   */
  @ActivityMethod(name = "CheckRoleTrust")
  CheckOutput checkRoleTrust(CheckRoleTrustInput input);

  @ActivityMethod(name = "CheckRoleBoundary")
  CheckOutput checkRoleBoundary(CheckRoleBoundaryInput input);

  /**
   * The policy exists and its default version allows exactly the actions, only on the bucket
   * ({@code arn:aws:s3:::B} for bucket actions, {@code arn:aws:s3:::B/*} for object actions): no
   * {@code *} resource, no NotAction or NotResource, no other statement.
   */
  @ActivityMethod(name = "CheckPolicyScope")
  CheckOutput checkPolicyScope(CheckPolicyScopeInput input);

  @ActivityMethod(name = "CheckPolicyAttached")
  CheckOutput checkPolicyAttached(CheckPolicyAttachedInput input);

  @ActivityMethod(name = "CheckInstanceProfile")
  CheckOutput checkInstanceProfile(CheckInstanceProfileInput input);

  @ActivityMethod(name = "CheckProfileOnInstance")
  CheckOutput checkProfileOnInstance(CheckProfileOnInstanceInput input);

  /**
   * IAM's policy simulator says the role is allowed exactly {@code allow} and denied {@code deny}
   * on the bucket: VerifyAccess's simulate, asked again while it differs, for at most {@code
   * budgetSeconds}: a policy the learner has just attached or changed takes seconds to be in effect
   * on AWS, and a check right after it must not fail for that.
   */
  @LongRunning
  @ActivityMethod(name = "CheckAccess")
  CheckOutput checkAccess(CheckAccessInput input);

  /** Input of CheckRoleTrust: only {@code servicePrincipal} (ec2.amazonaws.com) may assume it. */
  record CheckRoleTrustInput(String labId, String roleName, String servicePrincipal) {}

  /** Input of CheckRoleBoundary: the role's permissions boundary is this managed policy. */
  record CheckRoleBoundaryInput(String labId, String roleName, String boundaryPolicyName) {}

  /** Input of CheckPolicyScope: the policy allows exactly {@code actions}, only on the bucket. */
  record CheckPolicyScopeInput(
      String labId, String policyName, String bucketName, List<String> actions) {}

  /** Input of CheckPolicyAttached: the managed policy is attached to the role. */
  record CheckPolicyAttachedInput(String labId, String roleName, String policyName) {}

  /** Input of CheckInstanceProfile: the instance profile exists and holds the role. */
  record CheckInstanceProfileInput(
      String labId, String instanceProfileName, String roleName) {}

  /** Input of CheckProfileOnInstance: the instance's associated instance profile is this one. */
  record CheckProfileOnInstanceInput(
      String labId, String instanceId, String instanceProfileName) {}

  /**
   * Input of CheckAccess: the role is allowed exactly {@code allow} and denied {@code deny};
   * {@code budgetSeconds} bounds the wait for IAM to propagate a change (default 15).
   */
  record CheckAccessInput(
      String labId,
      String roleName,
      String bucketName,
      List<String> allow,
      @Opposite("allow") List<String> deny,
      @Nullable @Limit(what = Limit.BUDGET, min = 0, max = Limit.MAX_BUDGET)
          Integer budgetSeconds) {}

  /**
   * The answer of a check action: whether the condition holds, and one sentence for the learner
   * saying what was found (never a secret).
   */
  record CheckOutput(boolean passed, String detail) {

    static CheckOutput pass(String detail) {
      return new CheckOutput(true, detail);
    }

    static CheckOutput fail(String detail) {
      return new CheckOutput(false, detail);
    }
  }
}
