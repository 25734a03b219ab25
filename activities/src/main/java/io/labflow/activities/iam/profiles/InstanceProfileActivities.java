package io.labflow.activities.iam.profiles;

import io.labflow.activities.model.CreateInstanceProfileInput;
import io.labflow.activities.model.DeleteInstanceProfileInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.InstanceProfileOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * IAM instance profiles owned by a lab, each holding one lab role.
 *
 * <p>A create adopts an existing profile tagged with this lab run and fails {@code NotOwned}
 * (touching nothing) when the name is taken by a profile without the tag. A delete is idempotent
 * (missing is success) and refuses profiles without the tag.
 */
@ActivityInterface
public interface InstanceProfileActivities {

  /** Creates an instance profile holding the role (an owned profile is adopted and fixed up). */
  @ActivityMethod(name = "CreateInstanceProfile")
  InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput input);

  /** Deletes an owned instance profile after removing its roles. */
  @ActivityMethod(name = "DeleteInstanceProfile")
  DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput input);
}
