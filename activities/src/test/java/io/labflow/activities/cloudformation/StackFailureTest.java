package io.labflow.activities.cloudformation;

import io.labflow.activities.s3.S3Buckets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackInput;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.testing.Lab;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CreateStackRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketTaggingRequest;
import software.amazon.awssdk.services.s3.model.GetBucketTaggingResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A stack that rolls back. moto creates stacks synchronously and never rolls one back, so this
 * test plays CloudFormation with a scripted client: in progress for a few polls, then
 * ROLLBACK_COMPLETE with two failed resources.
 */
@org.junit.jupiter.api.Tag("fast")
class StackFailureTest {

  final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  /** CloudFormation as far as CreateStack's waiting goes. */
  static final class ScriptedCloudFormation implements CloudFormationClient {
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger creates = new AtomicInteger();
    volatile boolean created;

    @Override
    public CreateStackResponse createStack(CreateStackRequest request) {
      creates.incrementAndGet();
      created = true;
      return CreateStackResponse.builder().stackId("stack-1").build();
    }

    @Override
    public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
      if (!created) {
        throw (RuntimeException)
            software.amazon.awssdk.services.cloudformation.model.CloudFormationException.builder()
                .awsErrorDetails(
                    software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("ValidationError")
                        .errorMessage("Stack with id s does not exist")
                        .build())
                .statusCode(400)
                .build();
      }
      StackStatus status =
          polls.incrementAndGet() < 3 ? StackStatus.CREATE_IN_PROGRESS : StackStatus.ROLLBACK_COMPLETE;
      return DescribeStacksResponse.builder()
          .stacks(
              Stack.builder()
                  .stackId("stack-1")
                  .stackName("s")
                  .stackStatus(status)
                  .tags(Tag.builder().key("labflow:lab").value("lab-f").build())
                  .build())
          .build();
    }

    @Override
    public DescribeStackEventsResponse describeStackEvents(DescribeStackEventsRequest request) {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      // Newest first, as CloudFormation returns them.
      return DescribeStackEventsResponse.builder()
          .stackEvents(
              event("s", "ROLLBACK_COMPLETE", null, t.plusSeconds(9)),
              event("Instance", "CREATE_FAILED", "Resource creation cancelled", t.plusSeconds(5)),
              event("Bucket", "CREATE_FAILED", "labflow-x already exists", t.plusSeconds(3)),
              event("s", "CREATE_IN_PROGRESS", "User Initiated", t))
          .build();
    }

    private static StackEvent event(String id, String status, String reason, Instant at) {
      return StackEvent.builder()
          .logicalResourceId(id)
          .resourceStatus(status)
          .resourceStatusReason(reason)
          .timestamp(at)
          .build();
    }

    @Override
    public software.amazon.awssdk.services.cloudformation.waiters.CloudFormationWaiter waiter() {
      return software.amazon.awssdk.services.cloudformation.waiters.CloudFormationWaiter.builder()
          .client(this)
          .build();
    }

    @Override
    public String serviceName() {
      return "cloudformation";
    }

    @Override
    public void close() {}
  }

  /** S3 without any bucket: CreateStack first checks that the bucket name is free. */
  static final S3Client NO_BUCKETS = new S3Client() {
    @Override
    public GetBucketTaggingResponse getBucketTagging(GetBucketTaggingRequest request) {
      throw (RuntimeException) S3Exception.builder()
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build())
          .statusCode(404).build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  };

  @Test
  void rolledBackStackFailsNonRetryablyWithTheFirstFailureReasonAfterHeartbeatingPolls() {
    ScriptedCloudFormation cfn = new ScriptedCloudFormation();
    env.registerActivitiesImplementations(
        AwsFailures.around(
            new CloudFormationActivitiesImpl(new Stacks(cfn), new S3Buckets(NO_BUCKETS),
                Lab.definitionsDir(),
                new StackWaits(Duration.ofMillis(50), StackWaits.defaults().settle(),
                    StackWaits.defaults().delete()))));
    List<String> beats = new java.util.concurrent.CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);
    CloudFormationActivities stub =
        env.newActivityStub(
            CloudFormationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    assertThatThrownBy(
            () ->
                stub.createStack(
                    new CreateStackInput(
                        "lab-f",
                        "s",
                        "templates/lab-environment.yaml",
                        Map.of("LabId", "lab-f", "BucketName", "labflow-x"),
                        null,
                        null)))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("StackFailed");
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("ROLLBACK_COMPLETE")
                  .contains("Bucket: labflow-x already exists")
                  .doesNotContain("Resource creation cancelled");
            });
    assertThat(cfn.creates).hasValue(1);
    // The wait polled while in progress and said so, with its bound, between polls: the create's
    // 30 minutes cut to what the 2-minute attempt has left less a tenth of it (Waiting.left).
    assertThat(beats).anyMatch(b -> b.startsWith(
        "waiting for stack s to be created (now CREATE_IN_PROGRESS): ")
        && b.matches(".* of at most 1m4[78]s, poll \\d+"));
  }
}
