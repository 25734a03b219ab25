package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/** Template paths are relative to {@code definitionsDir}; tests shorten the {@code waits}. */
public record CloudFormationActivitiesImpl(
    Stacks stacks, S3Buckets buckets, Path definitionsDir, StackWaits waits)
    implements CloudFormationActivities {

  private static final Logger log = LoggerFactory.getLogger(CloudFormationActivitiesImpl.class);
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);

  @Override
  public CreateStackOutput createStack(CreateStackInput in) {
    String labId = in.labId();
    String name = in.stackName();
    Duration wait =
        in.timeoutMinutes() == null ? DEFAULT_WAIT : Duration.ofMinutes(in.timeoutMinutes());
    Optional<Stack> existing = stacks.describe(name).filter(s -> !Stacks.isGone(s));
    if (existing.isPresent()) {
      Stacks.requireCreatedHere(existing.get(), labId);
      log.info("lab {}: adopting stack {} in {}", labId, name, existing.get().stackStatus());
    }
    boolean adopted = existing.isPresent() || !create(in, labId, name, wait);
    Stack done = waitForCreate(name, labId, wait);
    Map<String, String> out = new LinkedHashMap<>();
    done.outputs().forEach(o -> out.put(o.outputKey(), o.outputValue()));
    return new CreateStackOutput(done.stackId(), done.stackName(), done.stackStatusAsString(),
        out.get("BucketName"), out.get("InstanceId"), out, adopted);
  }

  /**
   * Asks CloudFormation to create the stack; false when a concurrent attempt won the race
   * (AlreadyExists after the describe), then adopted if this lab run created it.
   */
  private boolean create(CreateStackInput in, String labId, String name, Duration wait) {
    String body;
    try {
      body = TemplateFacts.read(definitionsDir, in.templateFile());
    } catch (IllegalArgumentException e) {
      throw AwsFailures.invalidInput("CreateStack: " + e.getMessage());
    }
    List<Parameter> params = parameters(in.parameters(), Tags.owner(labId))
        .entrySet().stream()
        .map(p -> Parameter.builder().parameterKey(p.getKey()).parameterValue(p.getValue()).build())
        .toList();
    requireBucketsFree(body, in.parameters() == null ? Map.of() : in.parameters(), labId, name);
    boolean created = AwsErrors.doneUnless(() -> stacks.cfn().createStack(b -> b.stackName(name)
        .templateBody(body)
        .parameters(params)
        .capabilitiesWithStrings(in.capabilities())
        .tags(Tags.forCreate(labId, (k, v) -> Tag.builder().key(k).value(v).build()))
        .clientRequestToken(token(labId, name))
        .timeoutInMinutes((int) Math.max(1, wait.toMinutes()))), "AlreadyExistsException");
    if (created) {
      log.info("lab {}: creating stack {}", labId, name);
      return true;
    }
    Stack raced = stacks.describe(name).orElseThrow(() -> AwsFailures.nonRetryable(
        "stack " + name + " already exists but cannot be described", "AlreadyExistsException"));
    Stacks.requireCreatedHere(raced, labId);
    return false;
  }

  /**
   * A request token that is the same for every attempt of one activity execution, so a retry after
   * a lost response cannot create a second stack, and different for a later run of the same lab.
   */
  private static String token(String labId, String stackName) {
    String scope = Waiting.current().map(ActivityExecutionContext::getInfo)
        .map(info -> info.getRunId() + "/" + info.getActivityId()).orElse("");
    byte[] text = (labId + "/" + stackName + "/" + scope).getBytes(StandardCharsets.UTF_8);
    return LabIds.NAME_PREFIX + UUID.nameUUIDFromBytes(text).toString().replace("-", "");
  }

  /**
   * The step's parameters with those of the ownership tags added ({@code LabId}, {@code
   * LabNamespace}, {@code LabRun}; empty outside Temporal or when not called by the lab's own run),
   * so that a template tags every resource with every ownership tag whether or not the stack's own
   * tags propagate to it (on moto they reach no S3 bucket). Every template labflow creates a stack
   * from declares them.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} when the step sets one of
   *     them to another value than labflow's
   */
  private static Map<String, String> parameters(Map<String, String> step, Tags.Owner owner) {
    Map<String, String> own = TemplateFacts.ownership(owner);
    Map<String, String> out = new LinkedHashMap<>(step == null ? Map.of() : step);
    own.forEach((k, v) -> {
      String given = out.put(k, v);
      if (given != null && !given.equals(v)) {
        throw AwsFailures.invalidInput("CreateStack: parameters." + k + " is '" + given
            + "', but labflow sets it itself to '" + v + "' (the ownership tags come from where"
            + " the step runs, not from its input)");
      }
    });
    return out;
  }

  /**
   * A bucket the stack would create whose name is already taken by a bucket that is not the lab's
   * would fail the stack half way (and, in the emulator, wedge it): refused before the stack.
   */
  private void requireBucketsFree(
      String body, Map<String, String> params, String labId, String name) {
    for (TemplateFacts.Value v : TemplateFacts.values(body, "AWS::S3::Bucket", "BucketName")) {
      String bucket = v.resolve(params);
      if (bucket != null && !bucket.isBlank() && buckets.takenFrom(bucket, labId)) {
        throw AwsFailures.nonRetryable(
            "bucket " + bucket + " already exists and is not labflow's (it is another AWS"
                + " account's, in another Region, or not tagged " + Tags.LAB_TAG + "=" + labId
                + "), so stack " + name
                + " cannot create it and was not started; labflow leaves the bucket untouched:"
                + " choose another bucket name"
                + (v.parameter() == null ? "" : " (stack parameter " + v.parameter() + ")"),
            FailureTypes.NOT_OWNED);
      }
    }
  }

  @Override
  public DeleteOutput deleteStack(DeleteStackInput in) {
    return deleteOwned(in.stackName(), in.labId());
  }

  private Stack waitForCreate(String name, String labId, Duration wait) {
    Waiting waiting = new Waiting("waiting for stack " + name + " to be created", wait);
    Stack stack = stacks.describe(name)
        .map(s -> stacks.pollWhile(s, "CREATE_IN_PROGRESS"::equals, waiting, waits.poll()))
        .orElseThrow(() -> AwsFailures.nonRetryable(
            "stack " + name + " disappeared while being created", FailureTypes.STACK_FAILED));
    if (stack.stackStatus() == StackStatus.CREATE_COMPLETE
        || stack.stackStatus() == StackStatus.UPDATE_COMPLETE) {
      return stack;
    }
    if (stack.stackStatus() == StackStatus.CREATE_IN_PROGRESS) {
      throw AwsFailures.retryable(
          waiting.gaveUp("CREATE_IN_PROGRESS"), FailureTypes.STACK_WAIT_TIMEOUT);
    }
    String status = stack.stackStatusAsString();
    if (status.endsWith("_IN_PROGRESS") && !status.startsWith("ROLLBACK")) {
      // An adopted stack being updated or deleted by someone else: try again later.
      throw AwsFailures.retryable("stack " + name + " of lab " + labId + " is busy (" + status
          + ")", FailureTypes.STACK_BUSY);
    }
    throw AwsFailures.nonRetryable("stack " + name + " of lab " + labId + " is " + status + ": "
        + stacks.failure(stack), FailureTypes.STACK_FAILED);
  }

  /**
   * Deletes the stack if it exists and carries the lab tag, in any state: one still being created
   * or updated (a lost run's, or one stuck in the emulator) is first waited for, heartbeating, up
   * to {@link StackWaits#settle}, then deleted anyway. DeleteStack, and the lab sweep's delete.
   */
  public DeleteOutput deleteOwned(String name, String labId) {
    Stack stack = stacks.describe(name).filter(s -> !Stacks.isGone(s)).orElse(null);
    if (stack == null) {
      return new DeleteOutput("stack/" + name, false);
    }
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
        stacks.cfn().deleteStack(b -> b.stackName(stackId));
      } catch (AwsServiceException e) {
        if (Stacks.isBusy(status) && AwsFailures.hasCode(e, "ValidationError")) {
          // CloudFormation refuses to delete some busy stacks (an update in progress): later.
          throw AwsFailures.retryable(
              "stack " + name + " of lab " + labId + " is still " + status + " after waiting "
                  + Durations.format(waits.settle()) + " and cannot be deleted yet: "
                  + AwsErrors.message(e),
              FailureTypes.STACK_BUSY);
        }
        throw e;
      }
      log.info("lab {}: deleting stack {} ({})", labId, name, status);
      Waiting.beat("deleting stack " + name);
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
      throw AwsFailures.retryable(
          wait.gaveUp(now.stackStatusAsString()), FailureTypes.STACK_WAIT_TIMEOUT);
    }
    return new DeleteOutput("stack/" + name, true);
  }

  private void emptyLabBuckets(String stackId, String labId) {
    List<String> names;
    try {
      names = stacks.resources(stackId).stream()
          .filter(r -> "AWS::S3::Bucket".equals(r.resourceType()))
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
      Waiting.beat("emptying bucket " + bucket);
      if (buckets.ownedBy(bucket, labId)) {
        try {
          int removed = buckets.empty(bucket);
          if (removed > 0) {
            log.info("lab {}: emptied bucket {} ({} objects) before stack delete", labId, bucket,
                removed);
          }
        } catch (ApplicationFailure refused) {
          // The stack's other resources still go; its deletion then fails on this bucket.
          log.warn("lab {}: {}", labId, refused.getOriginalMessage());
        }
      }
    }
  }
}
