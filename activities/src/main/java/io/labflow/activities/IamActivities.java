package io.labflow.activities;

import io.labflow.activities.model.CreateInstanceProfileInput;
import io.labflow.activities.model.CreatePolicyInput;
import io.labflow.activities.model.CreatePolicyVersionInput;
import io.labflow.activities.model.CreateRoleInput;
import io.labflow.activities.model.DeleteInstanceProfileInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeletePolicyInput;
import io.labflow.activities.model.DeleteRoleInput;
import io.labflow.activities.model.InstanceProfileOutput;
import io.labflow.activities.model.PolicyOutput;
import io.labflow.activities.model.PolicyVersionOutput;
import io.labflow.activities.model.RoleOutput;
import io.labflow.activities.model.RolePolicyInput;
import io.labflow.activities.model.RolePolicyOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * IAM roles, managed policies and instance profiles owned by a lab.
 *
 * <p>Every create adopts an existing resource tagged with this lab and fails {@code NotOwned}
 * (touching nothing) when the name is taken by a resource without the tag. Every delete is
 * idempotent (missing is success) and refuses resources without the tag.
 */
@ActivityInterface
public interface IamActivities {

  /** Creates a role that the service principal (default ec2.amazonaws.com) may assume. */
  @ActivityMethod(name = "CreateRole")
  RoleOutput createRole(CreateRoleInput input);

  /**
   * Deletes a lab role: detaches its managed policies, deletes its inline policies, removes it
   * from this lab's instance profiles (IAM refuses to delete a role still in a profile), then
   * deletes it. A role held by an instance profile of another owner fails {@code DeleteConflict}.
   */
  @ActivityMethod(name = "DeleteRole")
  DeleteOutput deleteRole(DeleteRoleInput input);

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

  /** Creates an instance profile holding the role (an owned profile is adopted and fixed up). */
  @ActivityMethod(name = "CreateInstanceProfile")
  InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput input);

  /** Deletes an owned instance profile after removing its roles. */
  @ActivityMethod(name = "DeleteInstanceProfile")
  DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput input);
}
