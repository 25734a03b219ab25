package io.labflow.activities.learner;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The learner's scoped credentials (learner mode): a role whose sessions may do the tutorial's IAM
 * actions only on the lab's own names, and the permissions boundary every role the learner creates
 * must carry. The policies are {@link LearnerPolicies}'.
 */
@ActivityInterface
public interface LearnerAccessActivities {

  /**
   * Creates (or, on a retry of the same run, adopts) the boundary policy, then the learner role,
   * trusted by {@code trustedPrincipalArn} only, sessions up to 12 hours, with its policy (a managed
   * policy of the role's name).
   */
  @ActivityMethod(name = "CreateLearnerAccess")
  LearnerAccessOutput createLearnerAccess(CreateLearnerAccessInput input);

  /**
   * The compensation of CreateLearnerAccess: deletes the learner role first (its sessions stop
   * working) and its policy, then what the learner made under the lab's names that was created at or after
   * {@code notBefore} and carries no other lab's tag (taken as the lab's, then deleted as the
   * lab's own resources are), then the boundary. Idempotent; never touches anything else.
   */
  @ActivityMethod(name = "DeleteLearnerAccess")
  DeleteLearnerAccessOutput deleteLearnerAccess(DeleteLearnerAccessInput input);
}
