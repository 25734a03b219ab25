package io.labflow.activities.learner;

import io.temporal.activity.ActivityInterface;
import io.labflow.activities.LongRunning;
import io.temporal.activity.ActivityMethod;

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
}
