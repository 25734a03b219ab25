package io.labflow.activities.ec2;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.AssociateInstanceProfileInput;
import io.labflow.activities.model.AssociationOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DisassociateInstanceProfileInput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

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
}
