package io.labflow.activities.iam.policies;

import io.labflow.activities.model.CreatePolicyInput;
import io.labflow.activities.model.CreatePolicyVersionInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeletePolicyInput;
import io.labflow.activities.model.PolicyOutput;
import io.labflow.activities.model.PolicyVersionOutput;
import io.labflow.activities.model.RolePolicyInput;
import io.labflow.activities.model.RolePolicyOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

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
}
