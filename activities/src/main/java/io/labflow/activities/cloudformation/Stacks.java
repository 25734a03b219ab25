package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/** Reading one stack: whether it exists, whether it is the lab's, why it failed. */
public final class Stacks {

  private final CloudFormationClient cfn;

  public Stacks(CloudFormationClient cfn) {
    this.cfn = cfn;
  }

  /** The stack of this name or id; empty when CloudFormation says it does not exist. */
  public Optional<Stack> describe(String nameOrId) {
    return AwsErrors.emptyWhen(
        () -> cfn.describeStacks(b -> b.stackName(nameOrId)).stacks().stream().findFirst().orElse(null),
        Stacks::isMissing);
  }

  /** DescribeStacks reports a missing stack as a ValidationError "does not exist". */
  private static boolean isMissing(AwsServiceException e) {
    String msg = AwsErrors.message(e);
    return AwsFailures.hasCode(e, "ValidationError") && msg != null && msg.contains("does not exist");
  }

  /** The reason of the earliest failed resource event, which is the cause of a rollback. */
  Optional<String> firstFailure(String stackId) {
    String first = null;
    for (StackEvent ev : cfn.describeStackEventsPaginator(b -> b.stackName(stackId)).stackEvents()) {
      String status = ev.resourceStatusAsString();
      if (status != null && status.endsWith("_FAILED") && ev.resourceStatusReason() != null) {
        // Events come newest first, so the last match is the earliest failure.
        first = ev.logicalResourceId() + ": " + ev.resourceStatusReason();
      }
    }
    return Optional.ofNullable(first);
  }

  public static boolean isGone(Stack s) {
    return s.stackStatus() == StackStatus.DELETE_COMPLETE;
  }

  public static boolean owned(Stack s, String labId) {
    return Tags.owned(s.tags(), Tag::key, Tag::value, labId);
  }

  /** A create adopts only a stack this lab run created; its tags propagate to its resources. */
  static void requireCreatedHere(Stack s, String labId) {
    Tags.requireCreatedHere(s.tags(), Tag::key, Tag::value, "stack " + s.stackName(), labId);
  }
}
