package io.labflow.activities.iam.profiles;

import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.Limit;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;

/** Instance profiles of a lab, each holding one lab role; ownership rules in {@code iam}. */
@ActivityInterface
public interface InstanceProfileActivities {

  /** Creates an instance profile holding the role (an owned profile is adopted and fixed up). */
  @ActivityMethod(name = "CreateInstanceProfile")
  InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput input);

  /** Deletes an owned instance profile after removing its roles. */
  @ActivityMethod(name = "DeleteInstanceProfile")
  DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput input);

  record CreateInstanceProfileInput(
      String labId,
      @Limit(what = "instance profile name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+",
          rule = "letters, digits and +=,.@_-")
          String instanceProfileName,
      String roleName,
      @Nullable String path) {}

  record DeleteInstanceProfileInput(String labId, String instanceProfileName) {}

  record InstanceProfileOutput(
      String instanceProfileName, String instanceProfileArn, String roleName, boolean adopted) {}
}
