package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.common.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.ResourceStatus;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * Reading one stack: whether it exists, whether it is the lab's, why it failed, and the bounded,
 * heartbeating waits on it.
 */
public record Stacks(CloudFormationClient cfn) {

  /** The stack of this name or id; empty when CloudFormation says it does not exist. */
  public Optional<Stack> describe(String nameOrId) {
    return AwsErrors.emptyWhen(() -> cfn.describeStacks(b -> b.stackName(nameOrId)).stacks()
        .stream().findFirst().orElse(null), Stacks::gone);
  }

  /** Whether CloudFormation answered that the stack does not exist: a ValidationError saying so. */
  public static boolean gone(AwsServiceException e) {
    return AwsFailures.hasCode(e, "ValidationError")
        && String.valueOf(AwsErrors.message(e)).contains("does not exist");
  }

  /**
   * What the stack holds now (ListStackResources): every resource with a physical id, but those
   * deleted already.
   */
  public List<StackResourceSummary> resources(String nameOrId) {
    return cfn.listStackResourcesPaginator(b -> b.stackName(nameOrId)).stackResourceSummaries()
        .stream()
        .filter(r -> r.resourceStatus() != ResourceStatus.DELETE_COMPLETE
            && r.physicalResourceId() != null && !r.physicalResourceId().isBlank())
        .toList();
  }

  /**
   * Why the stack failed: the reason of the earliest failed resource event (the cause of a
   * rollback), else the stack's own status reason.
   */
  String failure(Stack s) {
    // Events come newest first, so the last match is the earliest failure.
    return cfn.describeStackEventsPaginator(b -> b.stackName(s.stackId())).stackEvents().stream()
        .filter(ev -> ev.resourceStatusAsString() != null
            && ev.resourceStatusAsString().endsWith("_FAILED")
            && ev.resourceStatusReason() != null)
        .reduce((newer, older) -> older)
        .map(ev -> ev.logicalResourceId() + ": " + ev.resourceStatusReason())
        .orElse(String.valueOf(s.stackStatusReason()));
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

  /**
   * Whether the stack is busy with something other than its deletion (being created, updated or
   * rolled back). REVIEW_IN_PROGRESS (a change set never executed) holds no resources and is not.
   */
  static boolean isBusy(String status) {
    return status != null
        && status.endsWith("_IN_PROGRESS")
        && !status.equals("DELETE_IN_PROGRESS")
        && !status.equals("REVIEW_IN_PROGRESS");
  }

  /**
   * Polls the stack (by id) while {@code busy} holds for its status and the wait's bound allows
   * another poll, saying where the wait stands before each poll. Returns the last state seen (still
   * busy when the bound was reached), or null when the stack disappeared.
   */
  Stack pollWhile(Stack stack, Predicate<String> busy, Waiting wait, Duration poll) {
    return wait.until(
        stack,
        () -> describe(stack.stackId()).orElse(null),
        s -> s == null || !busy.test(s.stackStatusAsString()),
        Stack::stackStatusAsString,
        n -> poll);
  }
}
