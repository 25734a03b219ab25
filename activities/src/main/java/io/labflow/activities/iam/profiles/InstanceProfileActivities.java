package io.labflow.activities.iam.profiles;

import io.labflow.activities.model.CreateInstanceProfileInput;
import io.labflow.activities.model.DeleteInstanceProfileInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.InstanceProfileOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Instance profiles of a lab, each holding one lab role; ownership rules in {@code iam}. */
@ActivityInterface
public interface InstanceProfileActivities {

  /** Creates an instance profile holding the role (an owned profile is adopted and fixed up). */
  @ActivityMethod(name = "CreateInstanceProfile")
  InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput input);

  /** Deletes an owned instance profile after removing its roles. */
  @ActivityMethod(name = "DeleteInstanceProfile")
  DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput input);
}
