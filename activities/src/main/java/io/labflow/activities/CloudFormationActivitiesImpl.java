package io.labflow.activities;

import io.labflow.activities.model.CreateStackInput;
import io.labflow.activities.model.CreateStackOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeleteStackInput;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.waiters.CloudFormationWaiter;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link CloudFormationActivities} over the AWS SDK. */
public final class CloudFormationActivitiesImpl implements CloudFormationActivities {

  private static final Logger log = LoggerFactory.getLogger(CloudFormationActivitiesImpl.class);
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);

  private final CloudFormationClient cfn;
  private final S3Buckets buckets;
  private final Path definitionsDir;
  private final Duration poll;
  private final StackWaits waits;

  /**
   * @param clients the worker's clients
   * @param definitionsDir the directory that template paths are relative to
   */
  public CloudFormationActivitiesImpl(AwsClients clients, Path definitionsDir) {
    this(clients, definitionsDir, StackWaits.defaults());
  }

  /** The same with these waits (tests shorten them). */
  public CloudFormationActivitiesImpl(AwsClients clients, Path definitionsDir, StackWaits waits) {
    this(clients.cloudFormation(), clients.s3(), definitionsDir, waits);
  }

  CloudFormationActivitiesImpl(
      CloudFormationClient cfn, S3Client s3, Path definitionsDir, Duration poll) {
    this(cfn, s3, definitionsDir,
        new StackWaits(poll, StackWaits.defaults().settle(), StackWaits.defaults().delete()));
  }

  private CloudFormationActivitiesImpl(
      CloudFormationClient cfn, S3Client s3, Path definitionsDir, StackWaits waits) {
    this.waits = waits;
    this.poll = waits.poll();
    this.cfn = cfn;
    this.buckets = new S3Buckets(s3);
    this.definitionsDir = definitionsDir.toAbsolutePath().normalize();
  }

  @Override
  public CreateStackOutput createStack(CreateStackInput in) {
    String labId = Inputs.require(in.labId(), "labId", "CreateStack");
    String name = Inputs.require(in.stackName(), "stackName", "CreateStack");
    String templateFile = Inputs.require(in.templateFile(), "templateFile", "CreateStack");
    Duration wait =
        in.timeoutMinutes() == null ? DEFAULT_WAIT : Duration.ofMinutes(in.timeoutMinutes());
    try {
      Optional<Stack> existing = describe(name);
      boolean adopted = false;
      if (existing.isPresent() && !isGone(existing.get())) {
        requireCreatedHere(existing.get(), labId);
        adopted = true;
        log.info("lab {}: adopting stack {} in {}", labId, name, existing.get().stackStatus());
      } else {
        String body = readTemplate(templateFile);
        List<Parameter> params = new ArrayList<>();
        if (in.parameters() != null) {
          in.parameters()
              .forEach(
                  (k, v) -> params.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
        }
        List<Capability> caps = new ArrayList<>();
        if (in.capabilities() != null) {
          for (String c : in.capabilities()) {
            caps.add(Capability.fromValue(c));
          }
        }
        try {
          cfn.createStack(
              b ->
                  b.stackName(name)
                      .templateBody(body)
                      .parameters(params)
                      .capabilities(caps)
                      .tags(Tags.forCreate(labId, (k, v) -> Tag.builder().key(k).value(v).build()))
                      .clientRequestToken(token(labId, name))
                      .timeoutInMinutes((int) Math.max(1, wait.toMinutes())));
          log.info("lab {}: creating stack {}", labId, name);
        } catch (CloudFormationException e) {
          // AlreadyExists after our describe means a concurrent attempt won the race; decide again
          // from the stack's tags rather than failing.
          if (!AwsFailures.hasCode(e, "AlreadyExistsException")) {
            throw e;
          }
          Stack raced = describe(name).orElseThrow(() -> e);
          requireCreatedHere(raced, labId);
          adopted = true;
        }
      }
      Stack done = waitForCreate(name, labId, wait);
      return outputs(done, adopted);
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }

  @Override
  public DeleteOutput deleteStack(DeleteStackInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeleteStack");
    String name = Inputs.require(in.stackName(), "stackName", "DeleteStack");
    try {
      return deleteOwned(name, labId);
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }

  /**
   * Deletes the stack if it exists and carries the lab tag, in any state: one still being created
   * or updated (a lost run's, or one stuck in the emulator) is first waited for, heartbeating, up
   * to {@link StackWaits#settle}, then deleted anyway. Used by the inventory too.
   */
  DeleteOutput deleteOwned(String name, String labId) {
    Optional<Stack> existing = describe(name);
    if (existing.isEmpty() || isGone(existing.get())) {
      return new DeleteOutput("stack/" + name, false);
    }
    Stack stack = existing.get();
    if (!owned(stack, labId)) {
      throw AwsFailures.notOwned("stack " + name, labId);
    }
    if (StackStates.isBusy(stack.stackStatusAsString())) {
      Stack settled = StackStates.settle(this::describe, stack, waits);
      if (settled == null || isGone(settled)) {
        return new DeleteOutput("stack/" + name, settled != null);
      }
      stack = settled;
    }
    emptyLabBuckets(stack.stackId(), labId);
    String stackId = stack.stackId();
    String status = stack.stackStatusAsString();
    if (!"DELETE_IN_PROGRESS".equals(status)) {
      try {
        cfn.deleteStack(b -> b.stackName(stackId));
      } catch (CloudFormationException e) {
        if (StackStates.isBusy(status) && AwsFailures.hasCode(e, "ValidationError")) {
          // CloudFormation refuses to delete some busy stacks (an update in progress): later.
          throw AwsFailures.retryable(
              "stack " + name + " of lab " + labId + " is still " + status + " after waiting "
                  + waits.settle() + " and cannot be deleted yet: "
                  + e.awsErrorDetails().errorMessage(),
              "StackBusy");
        }
        throw e;
      }
      log.info("lab {}: deleting stack {} ({})", labId, name, status);
      Heartbeats.beat("deleting stack " + name);
    }
    CloudFormationWaiter waiter = cfn.waiter();
    try {
      waiter.waitUntilStackDeleteComplete(
          DescribeStacksRequest.builder().stackName(stack.stackId()).build(),
          Heartbeats.waiter("deleting stack " + name, poll, waits.delete()));
    } catch (SdkClientException e) {
      Stack now = describe(stack.stackId()).orElse(null);
      if (now != null && !isGone(now)) {
        throw AwsFailures.nonRetryable(
            "stack "
                + name
                + " ended in "
                + now.stackStatusAsString()
                + ": "
                + firstFailure(stack.stackId()).orElse(String.valueOf(now.stackStatusReason())),
            AwsFailures.STACK_FAILED);
      }
    }
    return new DeleteOutput("stack/" + name, true);
  }

  private void emptyLabBuckets(String stackId, String labId) {
    List<String> names = new ArrayList<>();
    try {
      for (StackResourceSummary r :
          cfn.listStackResourcesPaginator(b -> b.stackName(stackId)).stackResourceSummaries()) {
        if ("AWS::S3::Bucket".equals(r.resourceType()) && r.physicalResourceId() != null) {
          names.add(r.physicalResourceId());
        }
      }
    } catch (CloudFormationException e) {
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

  private Stack waitForCreate(String name, String labId, Duration wait) {
    StackStatus before = describe(name).map(Stack::stackStatus).orElse(null);
    if (before == StackStatus.CREATE_IN_PROGRESS) {
      try {
        cfn.waiter()
            .waitUntilStackCreateComplete(
                DescribeStacksRequest.builder().stackName(name).build(),
                Heartbeats.waiter("creating stack " + name, poll, wait));
      } catch (SdkClientException e) {
        // The waiter gives up on a failure state or on timeout; the stack's own status says which.
        log.debug("stack {} waiter ended: {}", name, e.getMessage());
      }
    }
    Stack stack =
        describe(name)
            .orElseThrow(
                () ->
                    AwsFailures.nonRetryable(
                        "stack " + name + " disappeared while being created",
                        AwsFailures.STACK_FAILED));
    if (stack.stackStatus() == StackStatus.CREATE_COMPLETE
        || stack.stackStatus() == StackStatus.UPDATE_COMPLETE) {
      return stack;
    }
    if (stack.stackStatus() == StackStatus.CREATE_IN_PROGRESS) {
      throw AwsFailures.retryable(
          "stack " + name + " still CREATE_IN_PROGRESS after " + wait, "StackWaitTimeout");
    }
    String status = stack.stackStatusAsString();
    if (status.endsWith("_IN_PROGRESS") && !status.startsWith("ROLLBACK")) {
      // An adopted stack being updated or deleted by someone else: try again later.
      throw AwsFailures.retryable(
          "stack " + name + " of lab " + labId + " is busy (" + status + ")", "StackBusy");
    }
    String reason = firstFailure(stack.stackId()).orElse(String.valueOf(stack.stackStatusReason()));
    throw AwsFailures.nonRetryable(
        "stack " + name + " of lab " + labId + " is " + stack.stackStatusAsString() + ": " + reason,
        AwsFailures.STACK_FAILED);
  }

  /** The reason of the earliest failed resource event, which is the cause of a rollback. */
  private Optional<String> firstFailure(String stackId) {
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

  private CreateStackOutput outputs(Stack stack, boolean adopted) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Output o : stack.outputs()) {
      out.put(o.outputKey(), o.outputValue());
    }
    return new CreateStackOutput(
        stack.stackId(),
        stack.stackName(),
        stack.stackStatusAsString(),
        out.get("BucketName"),
        out.get("InstanceId"),
        out,
        adopted);
  }

  Optional<Stack> describe(String nameOrId) {
    try {
      return cfn.describeStacks(b -> b.stackName(nameOrId)).stacks().stream().findFirst();
    } catch (CloudFormationException e) {
      // DescribeStacks reports a missing stack as a ValidationError "does not exist".
      if (AwsFailures.hasCode(e, "ValidationError")
          && e.awsErrorDetails().errorMessage() != null
          && e.awsErrorDetails().errorMessage().contains("does not exist")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  static boolean isGone(Stack s) {
    return s.stackStatus() == StackStatus.DELETE_COMPLETE;
  }

  static boolean owned(Stack s, String labId) {
    return Tags.owned(s.tags(), Tag::key, Tag::value, labId);
  }

  /** A create adopts only a stack this lab run created; its tags propagate to its resources. */
  private static void requireCreatedHere(Stack s, String labId) {
    if (!Tags.createdHere(s.tags(), Tag::key, Tag::value, labId)) {
      throw AwsFailures.nonRetryable(
          "stack "
              + s.stackName()
              + " exists but was not created by this run of lab "
              + labId
              + " (its labflow:lab, labflow:namespace and labflow:run tags say otherwise);"
              + " labflow does not adopt it",
          AwsFailures.NOT_OWNED);
    }
  }

  private String readTemplate(String templateFile) {
    Path p = definitionsDir.resolve(templateFile).normalize();
    if (!p.startsWith(definitionsDir)) {
      throw AwsFailures.invalidInput(
          "CreateStack: templateFile '" + templateFile + "' leaves the definitions directory");
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw AwsFailures.invalidInput(
          "CreateStack: cannot read template " + p + ": " + e.getMessage());
    }
  }

  /**
   * A request token that is the same for every attempt of one activity execution, so a retry after
   * a lost response cannot create a second stack, and different for a later run of the same lab.
   */
  private static String token(String labId, String stackName) {
    String scope;
    try {
      ActivityInfo info = Activity.getExecutionContext().getInfo();
      scope = info.getRunId() + "/" + info.getActivityId();
    } catch (IllegalStateException e) {
      scope = "";
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest((labId + "/" + stackName + "/" + scope).getBytes(StandardCharsets.UTF_8));
      return "labflow-" + HexFormat.of().formatHex(h, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
