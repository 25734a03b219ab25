package io.labflow.activities.iam.roles;

import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.Limit;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;

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

  /**
   * Input of CreateRole. {@code trustedPrincipalArn} optionally lets one more AWS principal (for
   * example the labflow worker's own role, needed for probe verification) assume the role; {@code
   * permissionsBoundaryArn} optionally sets the role's permissions boundary (a learner lab's roles
   * carry the lab's).
   */
  record CreateRoleInput(
      String labId,
      @Limit(what = "IAM role name", max = 64, pattern = "[A-Za-z0-9+=,.@_-]+",
          rule = "letters, digits and +=,.@_-")
          String roleName,
      @Nullable String servicePrincipal,
      @Nullable @Limit(what = "trusted principal ARN", max = 2048, format = "arn")
          String trustedPrincipalArn,
      @Nullable String path,
      @Nullable String description,
      @Nullable String permissionsBoundaryArn) {}

  record DeleteRoleInput(String labId, String roleName) {}

  record RoleOutput(String roleName, String roleArn, boolean adopted) {}
}
