package io.labflow.activities.cloudformation;

import io.labflow.activities.LongRunning;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.Limit;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.util.List;
import java.util.Map;

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

  /** Input of CreateStack. The template path is relative to the worker's definitions directory. */
  record CreateStackInput(
      String labId,
      @Limit(
              what = "CloudFormation stack name",
              max = 128,
              pattern = "[A-Za-z][A-Za-z0-9-]*",
              rule = "letters, digits and hyphens, starting with a letter")
          String stackName,
      String templateFile,
      @Nullable
          @Limit(
              key = "BucketName",
              what = PolicyDocuments.S3_BUCKET,
              min = 3,
              max = 63,
              pattern = PolicyDocuments.BUCKET_PATTERN,
              rule = PolicyDocuments.BUCKET_RULE)
          Map<String, String> parameters,
      @Nullable List<String> capabilities,
      @Nullable Integer timeoutMinutes) {}

  /**
   * Result of CreateStack: the stack and its outputs (bucketName and instanceId when the template
   * declares BucketName and InstanceId).
   */
  record CreateStackOutput(
      String stackId,
      String stackName,
      String status,
      @Nullable String bucketName,
      @Nullable String instanceId,
      Map<String, String> outputs,
      boolean adopted) {}

  /** Input of DeleteStack. */
  record DeleteStackInput(String labId, String stackName) {}
}
