package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.workflows.lab.FailureTypes;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;

/**
 * Deleting a lab's stack in any state, after emptying the lab's buckets in it (CloudFormation
 * cannot delete a bucket that holds objects). Used by DeleteStack and the lab inventory.
 */
public final class StackDeletion {

  private static final Logger log = LoggerFactory.getLogger(StackDeletion.class);

  private final CloudFormationClient cfn;
  private final Stacks stacks;
  private final S3Buckets buckets;
  private final StackWaits waits;

  StackDeletion(CloudFormationClient cfn, Stacks stacks, S3Buckets buckets, StackWaits waits) {
    this.cfn = cfn;
    this.stacks = stacks;
    this.buckets = buckets;
    this.waits = waits;
  }

  /**
   * Deletes the stack if it exists and carries the lab tag, in any state: one still being created
   * or updated (a lost run's, or one stuck in the emulator) is first waited for, heartbeating, up
   * to {@link StackWaits#settle}, then deleted anyway.
   */
  public DeleteOutput deleteOwned(String name, String labId) {
    Optional<Stack> existing = stacks.describe(name);
    if (existing.isEmpty() || Stacks.isGone(existing.get())) {
      return new DeleteOutput("stack/" + name, false);
    }
    Stack stack = existing.get();
    if (!Stacks.owned(stack, labId)) {
      throw AwsFailures.notOwned("stack " + name, labId);
    }
    if (Stacks.isBusy(stack.stackStatusAsString())) {
      Waiting settle = new Waiting(
          "waiting for stack " + name + " to settle before deleting it", waits.settle());
      Stack settled = stacks.pollWhile(stack, Stacks::isBusy, settle, waits.poll());
      if (settled == null || Stacks.isGone(settled)) {
        return new DeleteOutput("stack/" + name, settled != null);
      }
      if (Stacks.isBusy(settled.stackStatusAsString())) {
        log.warn("{}; deleting it anyway", settle.gaveUp(settled.stackStatusAsString()));
      }
      stack = settled;
    }
    emptyLabBuckets(stack.stackId(), labId);
    String stackId = stack.stackId();
    String status = stack.stackStatusAsString();
    if (!"DELETE_IN_PROGRESS".equals(status)) {
      try {
        cfn.deleteStack(b -> b.stackName(stackId));
      } catch (AwsServiceException e) {
        if (Stacks.isBusy(status) && AwsFailures.hasCode(e, "ValidationError")) {
          // CloudFormation refuses to delete some busy stacks (an update in progress): later.
          throw AwsFailures.retryable(
              "stack " + name + " of lab " + labId + " is still " + status + " after waiting "
                  + waits.settle() + " and cannot be deleted yet: " + AwsErrors.message(e),
              FailureTypes.STACK_BUSY);
        }
        throw e;
      }
      log.info("lab {}: deleting stack {} ({})", labId, name, status);
      Heartbeats.beat("deleting stack " + name);
    }
    Waiting wait = new Waiting("waiting for stack " + name + " to be deleted", waits.delete());
    Stack now = stacks.describe(stackId)
        .map(s -> stacks.pollWhile(s,
            st -> !"DELETE_COMPLETE".equals(st) && !"DELETE_FAILED".equals(st),
            wait, waits.poll()))
        .orElse(null);
    if (now != null && "DELETE_FAILED".equals(now.stackStatusAsString())) {
      throw AwsFailures.nonRetryable(
          "stack " + name + " ended in DELETE_FAILED: " + stacks.failure(now),
          FailureTypes.STACK_FAILED);
    }
    if (now != null && !Stacks.isGone(now)) {
      throw AwsFailures.retryable(wait.gaveUp(now.stackStatusAsString()), FailureTypes.STACK_WAIT_TIMEOUT);
    }
    return new DeleteOutput("stack/" + name, true);
  }

  private void emptyLabBuckets(String stackId, String labId) {
    List<String> names;
    try {
      names = cfn.listStackResourcesPaginator(b -> b.stackName(stackId)).stackResourceSummaries()
          .stream()
          .filter(r -> "AWS::S3::Bucket".equals(r.resourceType()) && r.physicalResourceId() != null)
          .map(StackResourceSummary::physicalResourceId)
          .toList();
    } catch (AwsServiceException e) {
      // A stack whose creation broke half way may not list its resources (moto answers with the
      // error that broke it). The delete goes on: a non-empty bucket then fails the stack's
      // deletion visibly, and the lab sweep empties tagged buckets itself.
      log.warn("stack {}: cannot list its resources before deleting ({}); buckets not emptied",
          stackId, AwsFailures.errorCode(e));
      return;
    }
    for (String bucket : names) {
      Heartbeats.beat("emptying bucket " + bucket);
      if (buckets.ownedBy(bucket, labId)) {
        int removed = buckets.empty(bucket);
        if (removed > 0) {
          log.info("lab {}: emptied bucket {} ({} objects) before stack delete", labId, bucket, removed);
        }
      }
    }
  }
}
