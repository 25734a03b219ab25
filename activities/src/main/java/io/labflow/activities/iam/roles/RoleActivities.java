package io.labflow.activities.iam.roles;

import io.labflow.activities.model.CreateRoleInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeleteRoleInput;
import io.labflow.activities.model.RoleOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** IAM roles of a lab, which a service (EC2) may assume; ownership rules in {@code iam}. */
@ActivityInterface
public interface RoleActivities {

  /**
   * Creates a role that the service principal (default ec2.amazonaws.com) may assume, with the
   * permissions boundary when one is given.
   */
  @ActivityMethod(name = "CreateRole")
  RoleOutput createRole(CreateRoleInput input);

  /**
   * Deletes a lab role: detaches its managed policies, deletes its inline policies, removes it
   * from this lab's instance profiles (IAM refuses to delete a role still in a profile), then
   * deletes it. A role held by an instance profile of another owner fails {@code DeleteConflict}.
   */
  @ActivityMethod(name = "DeleteRole")
  DeleteOutput deleteRole(DeleteRoleInput input);
}
