package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.workflows.lab.FailureTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

public final class CloudFormationActivitiesImpl implements CloudFormationActivities {

  private static final Logger log = LoggerFactory.getLogger(CloudFormationActivitiesImpl.class);
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);

  private final CloudFormationClient cfn;
  private final Stacks stacks;
  private final StackTemplates templates;
  private final StackDeletion deletion;
  private final S3Buckets buckets;
  private final Duration poll;

  /** Template paths are relative to {@code definitionsDir}; tests shorten the {@code waits}. */
  public CloudFormationActivitiesImpl(AwsClients clients, Path definitionsDir, StackWaits waits) {
    this(clients.cloudFormation(), clients.s3(), definitionsDir, waits);
  }

  CloudFormationActivitiesImpl(
      CloudFormationClient cfn, S3Client s3, Path definitionsDir, StackWaits waits) {
    this.poll = waits.poll();
    this.cfn = cfn;
    this.stacks = new Stacks(cfn);
    this.templates = new StackTemplates(definitionsDir);
    this.buckets = new S3Buckets(s3);
    this.deletion = new StackDeletion(cfn, stacks, buckets, waits);
  }

  /** The deletion DeleteStack uses; the lab inventory shares it. */
  public StackDeletion deletion() {
    return deletion;
  }

  @Override
  public CreateStackOutput createStack(CreateStackInput in) {
    String labId = in.labId();
    String name = in.stackName();
    Duration wait =
        in.timeoutMinutes() == null ? DEFAULT_WAIT : Duration.ofMinutes(in.timeoutMinutes());
    Optional<Stack> existing = stacks.describe(name);
    boolean adopted = existing.isPresent() && !Stacks.isGone(existing.get());
    if (adopted) {
      Stacks.requireCreatedHere(existing.get(), labId);
      log.info("lab {}: adopting stack {} in {}", labId, name, existing.get().stackStatus());
    } else {
      adopted = !create(in, labId, name, wait);
    }
    Stack done = waitForCreate(name, labId, wait);
    return outputs(done, adopted);
  }

  /**
   * Asks CloudFormation to create the stack; false when a concurrent attempt won the race
   * (AlreadyExists after the describe), then adopted if this lab run created it.
   */
  private boolean create(CreateStackInput in, String labId, String name, Duration wait) {
    String body = templates.read(in.templateFile());
    List<Parameter> params = StackTemplates.parameters(in.parameters(), Tags.owner(labId))
        .entrySet().stream()
        .map(p -> Parameter.builder().parameterKey(p.getKey()).parameterValue(p.getValue()).build())
        .toList();
    requireBucketsFree(body, in.parameters() == null ? Map.of() : in.parameters(), labId, name);
    boolean created = AwsErrors.doneUnless(() -> cfn.createStack(b -> b.stackName(name)
        .templateBody(body)
        .parameters(params)
        .capabilitiesWithStrings(in.capabilities())
        .tags(Tags.forCreate(labId, (k, v) -> Tag.builder().key(k).value(v).build()))
        .clientRequestToken(StackTemplates.token(labId, name))
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
   * A bucket the stack would create whose name is already taken by a bucket that is not the lab's
   * would fail the stack half way (and, in the emulator, wedge it): refused before the stack.
   */
  private void requireBucketsFree(
      String body, Map<String, String> params, String labId, String name) {
    for (String bucket : TemplateFacts.bucketNames(body, params)) {
      if (buckets.takenFrom(bucket, labId)) {
        throw AwsFailures.nonRetryable(
            "bucket " + bucket + " already exists and is not labflow's (it is not tagged "
                + Tags.LAB_TAG + "=" + labId + "), so stack " + name + " cannot create it and was"
                + " not started; labflow leaves the bucket untouched: choose another bucket name",
            FailureTypes.NOT_OWNED);
      }
    }
  }

  @Override
  public DeleteOutput deleteStack(DeleteStackInput in) {
    return deletion.deleteOwned(in.stackName(), in.labId());
  }

  private Stack waitForCreate(String name, String labId, Duration wait) {
    Waiting waiting = new Waiting("waiting for stack " + name + " to be created", wait);
    Stack stack = stacks.describe(name)
        .map(s -> stacks.pollWhile(s, "CREATE_IN_PROGRESS"::equals, waiting, poll))
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

  private CreateStackOutput outputs(Stack stack, boolean adopted) {
    Map<String, String> out = new LinkedHashMap<>();
    stack.outputs().forEach(o -> out.put(o.outputKey(), o.outputValue()));
    return new CreateStackOutput(stack.stackId(), stack.stackName(), stack.stackStatusAsString(),
        out.get("BucketName"), out.get("InstanceId"), out, adopted);
  }
}
