package io.labflow.activities.cloudformation;

import io.labflow.activities.LongRunning;
import io.labflow.activities.model.CreateStackInput;
import io.labflow.activities.model.CreateStackOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeleteStackInput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** CloudFormation stacks owned by a lab. */
@ActivityInterface
public interface CloudFormationActivities {

  /**
   * Creates a stack from a template of the definitions directory, tagged with the lab, and waits
   * for CREATE_COMPLETE while heartbeating. A stack of that name already tagged with this lab is
   * adopted (and waited for); one without the tag fails {@code NotOwned}. A failed or rolled back
   * stack fails {@code StackFailed} with the first failure reason of its events.
   */
  @LongRunning
  @ActivityMethod(name = "CreateStack")
  CreateStackOutput createStack(CreateStackInput input);

  /**
   * Deletes a stack tagged with this lab and waits for DELETE_COMPLETE while heartbeating. A
   * missing stack is success; an untagged one fails {@code NotOwned} and is left untouched. Lab
   * buckets of the stack are emptied first, since CloudFormation cannot delete a non-empty bucket.
   */
  @LongRunning
  @ActivityMethod(name = "DeleteStack")
  DeleteOutput deleteStack(DeleteStackInput input);
}
