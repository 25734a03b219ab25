package io.labflow.activities.ec2;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.DeleteOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;

/** Instance profile associations of a lab's EC2 instances. */
@ActivityInterface
public interface Ec2Activities {

  /**
   * Puts the instance profile on a lab instance: nothing to do if it is already there, replaces
   * another profile's association, otherwise associates. The "Invalid IAM Instance Profile" error
   * of a freshly created profile is retried for about two minutes while heartbeating.
   */
  @LongRunning
  @ActivityMethod(name = "AssociateInstanceProfile")
  AssociationOutput associateInstanceProfile(AssociateInstanceProfileInput input);

  /** Removes the instance's profile association; nothing associated (or no instance) is success. */
  @ActivityMethod(name = "DisassociateInstanceProfile")
  DeleteOutput disassociateInstanceProfile(DisassociateInstanceProfileInput input);

  /** Input of AssociateInstanceProfile. */
  record AssociateInstanceProfileInput(
      String labId, String instanceId, String instanceProfileName) {}

  /** Result of AssociateInstanceProfile; {@code change} is unchanged, associated or replaced. */
  record AssociationOutput(
      String instanceId, String instanceProfileArn, String associationId, String change) {}

  /**
   * Input of DisassociateInstanceProfile. With a profile name only that profile's association is
   * removed.
   */
  record DisassociateInstanceProfileInput(
      String labId, String instanceId, @Nullable String instanceProfileName) {}
}
