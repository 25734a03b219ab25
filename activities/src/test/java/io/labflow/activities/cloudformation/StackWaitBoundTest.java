package io.labflow.activities.cloudformation;

import io.labflow.activities.s3.S3Buckets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.testing.Lab;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.ListStackResourcesRequest;
import software.amazon.awssdk.services.cloudformation.model.ListStackResourcesResponse;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * The waits of DeleteStack end at their bounds and say what they wait for, how long they have
 * waited and their bound: a stack that never leaves CREATE_IN_PROGRESS (as moto once left a stack
 * whose bucket name was taken) is waited for up to the settle bound, deleted anyway, and a
 * deletion that never ends fails retryably with a sentence at the delete bound.
 */
@org.junit.jupiter.api.Tag("fast")
class StackWaitBoundTest {

  final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  /** A stack of lab-w that stays CREATE_IN_PROGRESS, and DELETE_IN_PROGRESS once deleted. */
  static class StuckCloudFormation implements CloudFormationClient {
    final AtomicInteger deletes = new AtomicInteger();

    @Override
    public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
      return DescribeStacksResponse.builder()
          .stacks(Stack.builder().stackId("stack-w").stackName("s")
              .stackStatus(deletes.get() == 0 ? "CREATE_IN_PROGRESS" : "DELETE_IN_PROGRESS")
              .tags(Tag.builder().key("labflow:lab").value("lab-w").build(),
                  Tag.builder().key("labflow:namespace").value(Lab.NAMESPACE).build())
              .build())
          .build();
    }

    @Override
    public ListStackResourcesResponse listStackResources(ListStackResourcesRequest request) {
      return ListStackResourcesResponse.builder().build();
    }

    @Override
    public DeleteStackResponse deleteStack(DeleteStackRequest request) {
      deletes.incrementAndGet();
      return DeleteStackResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "cloudformation";
    }

    @Override
    public void close() {}
  }

  @Test
  void aStackThatNeverSettlesNorDeletesEndsAtTheBoundsWithASentence() {
    StuckCloudFormation cfn = new StuckCloudFormation();
    List<String> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);

    ApplicationFailure f = deleteFails(cfn, Duration.ofMillis(400),
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)),
        "StackWaitTimeout");

    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage())
        .startsWith("gave up waiting for stack s to be deleted after ")
        .endsWith(" (its bound is 400ms); it is still DELETE_IN_PROGRESS");
    // The settle wait reached its bound and the stack was deleted anyway, once. (Temporal
    // throttles heartbeats: the test sees the first.)
    assertThat(cfn.deletes).hasValue(1);
    assertThat(beats).anySatisfy(b -> assertThat(b)
        .startsWith("waiting for stack s to settle before deleting it (now CREATE_IN_PROGRESS): ")
        .endsWith(" of at most 300ms, poll 1"));
  }

  /**
   * A stack still busy after the settle wait whose DeleteStack CloudFormation refuses (as it does
   * during an update) fails the attempt retryably, saying the wait in the step files' syntax.
   */
  @Test
  void aBusyStackWhoseDeleteIsRefusedIsTriedAgainLater() {
    StuckCloudFormation cfn = new StuckCloudFormation() {
      @Override
      public DeleteStackResponse deleteStack(DeleteStackRequest request) {
        deletes.incrementAndGet();
        throw (CloudFormationException) CloudFormationException.builder()
            .message("Stack s is in CREATE_IN_PROGRESS state and can not be deleted")
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationError")
                .errorMessage("Stack s is in CREATE_IN_PROGRESS state and can not be deleted")
                .build())
            .statusCode(400).build();
      }
    };

    ApplicationFailure f = deleteFails(cfn, Duration.ofMillis(400),
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)), "StackBusy");

    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).isEqualTo("stack s of lab lab-w is still CREATE_IN_PROGRESS"
        + " after waiting 300ms and cannot be deleted yet: Stack s is in CREATE_IN_PROGRESS state"
        + " and can not be deleted");
    assertThat(cfn.deletes).hasValue(1);
  }

  /**
   * A deletion bound longer than the activity's StartToClose (or ScheduleToClose) timeout ends at
   * what the attempt has left, less a heartbeat timeout, with the wait's sentence (before:
   * Temporal's bare timeout).
   */
  @ParameterizedTest
  @ValueSource(strings = {"StartToClose", "ScheduleToClose"})
  void aWaitLongerThanTheActivityEndsWithItsSentenceBeforeTheActivityTimesOut(String timeout) {
    StuckCloudFormation cfn = new StuckCloudFormation();
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder().setHeartbeatTimeout(Duration.ofSeconds(2));

    ApplicationFailure f = deleteFails(cfn, Duration.ofMinutes(1), timeout.equals("StartToClose")
        ? options.setStartToCloseTimeout(Duration.ofSeconds(6))
        : options.setScheduleToCloseTimeout(Duration.ofSeconds(6)), "StackWaitTimeout");

    assertThat(f.getOriginalMessage())
        .startsWith("gave up waiting for stack s to be deleted after ")
        .matches(".* \\(its bound is [34]s\\); it is still DELETE_IN_PROGRESS");
    assertThat(cfn.deletes).hasValue(1);
  }

  /**
   * The failure of deleting lab-w's stack s on {@code cfn} (settling for at most 300 ms, deleting
   * for at most {@code delete}) in one attempt of an activity with {@code options}, of {@code
   * type}.
   */
  private ApplicationFailure deleteFails(StuckCloudFormation cfn, Duration delete,
      ActivityOptions.Builder options, String type) {
    StackWaits waits = new StackWaits(Duration.ofMillis(20), Duration.ofMillis(300), delete);
    env.registerActivitiesImplementations(AwsFailures.around(
        new CloudFormationActivitiesImpl(new Stacks(cfn), new S3Buckets(null), Lab.definitionsDir(),
            waits)));
    CloudFormationActivities stub = env.newActivityStub(CloudFormationActivities.class, options
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    Throwable thrown = catchThrowable(() -> stub.deleteStack(new DeleteStackInput("lab-w", "s")));
    assertThat(thrown).isInstanceOf(ActivityFailure.class)
        .cause().isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) thrown.getCause();
    assertThat(f.getType()).isEqualTo(type);
    return f;
  }
}
