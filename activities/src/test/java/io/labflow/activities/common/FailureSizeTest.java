package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsFailures.AwsErrorInfo;
import io.labflow.activities.testing.CallCounter;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.testing.NoSimulator;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import io.labflow.activities.verification.AccessVerificationActivities;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import io.labflow.activities.verification.SimulateAccessTest;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.IamException;

/**
 * The failure a real AWS error becomes must fit what Temporal keeps. A retrying activity's last
 * failure is stored only up to {@code limit.mutableStateActivityFailureSize.error} (4 KiB encoded,
 * warning at 2 KiB); a larger one is shown as "Failure exceeds size limit." and the error is lost.
 * An IAM endpoint without a policy simulator made exactly that happen (moto before the local stack
 * answered it; {@link NoSimulator} makes moto such an endpoint again).
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
public class FailureSizeTest {

  /** Temporal's warning size for a stored activity failure; the error limit is twice that. */
  public static final int WARN_LIMIT = 2 * 1024;

  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/labflow-lab-f-role";

  CallCounter calls;
  AwsClients clients;
  TestActivityEnvironment env;

  @BeforeEach
  void setUp() {
    calls = new CallCounter();
    clients = AwsClients.fromEnvironment(List.of(calls, new NoSimulator()));
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
    clients.close();
  }

  /** The encoded size of a failure as the worker sends it to Temporal. */
  static int encodedSize(Throwable failure) {
    Failure proto = RejectionFailureConverter.dataConverter().exceptionToFailure(failure);
    return proto.getSerializedSize();
  }

  @Test
  void motoAnswersAnUnimplementedActionWithABareHtml500() {
    IamException e =
        catchThrowableOfType(
            () ->
                clients
                    .iam()
                    .simulatePrincipalPolicy(
                        b -> b.policySourceArn(ROLE_ARN).actionNames("s3:GetObject")),
            IamException.class);
    // What the SDK makes of it: no error code, no request id, an HTML body, three retries
    // recorded as suppressed exceptions. Attached as a cause, this was 7 KiB through Temporal.
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isNull();
    assertThat(e.requestId()).isNull();
    assertThat(e.awsErrorDetails().rawResponse().asUtf8String()).contains("<html");
    assertThat(e.getSuppressed()).isNotEmpty();

    ApplicationFailure f = AwsFailures.map(e);
    assertThat(f.getType()).isEqualTo(FailureTypes.UNSUPPORTED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getCause()).isNull();
    assertThat(f.getOriginalMessage())
        .startsWith("Iam SimulatePrincipalPolicy got HTTP 500 without an AWS error code")
        .contains("Internal Server Error")
        .doesNotContain("<");
    assertThat(f.getDetails().get(AwsErrorInfo.class))
        .isEqualTo(new AwsErrorInfo("Iam", "SimulatePrincipalPolicy", "", 500, null));
    assertThat(encodedSize(f)).isLessThan(WARN_LIMIT);
  }

  @Test
  void verifyAccessBySimulateOnMotoFailsOnceWithASmallUnsupportedFailure() {
    env.registerActivitiesImplementations(
        AwsFailures.around(new AccessVerificationActivitiesImpl(clients)));
    AccessVerificationActivities stub =
        env.newActivityStub(
            AccessVerificationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(10))
                        .setMaximumAttempts(3)
                        .build())
                .build());
    VerifyAccessInput in =
        new VerifyAccessInput(
            "lab-f", ROLE_ARN, null, "labflow-lab-f", List.of("s3:GetObject"), List.of(), null, 5);

    ActivityFailure failed = catchThrowableOfType(() -> stub.verifyAccess(in), ActivityFailure.class);

    assertThat(failed.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) failed.getCause();
    assertThat(f.getType()).isEqualTo("Unsupported");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("Iam SimulatePrincipalPolicy").contains("HTTP 500");
    assertThat(f.getCause()).as("no SDK exception travels with the failure").isNull();
    assertThat(encodedSize(f)).isLessThan(WARN_LIMIT);
    // One activity attempt (not retried by Temporal), one SDK call (whose own HTTP retries the
    // SDK made before giving up).
    assertThat(calls.count("Iam", "SimulatePrincipalPolicy")).isEqualTo(1);
  }

  @Test
  void anAccessMismatchOverAHugeMatrixStaysSmallAndNamesTheMismatchFirst() {
    // 150 object actions the simulator allows as expected, and PutObject allowed against a deny.
    java.util.Map<String, String> decisions = new java.util.LinkedHashMap<>();
    List<String> allow = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      decisions.put("s3:GetObjectVersion" + i, "allowed");
      allow.add("s3:GetObjectVersion" + i);
    }
    decisions.put("s3:PutObject", "allowed");
    env.registerActivitiesImplementations(
        AwsFailures.around(new AccessVerificationActivitiesImpl(SimulateAccessTest.withIam(
            clients, new SimulateAccessTest.ScriptedSimulator(decisions, 0)))));
    AccessVerificationActivities stub =
        env.newActivityStub(
            AccessVerificationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    VerifyAccessInput in =
        new VerifyAccessInput(
            "lab-f", ROLE_ARN, null, "labflow-lab-f", allow, List.of("s3:PutObject"), null, 1);

    ActivityFailure failed = catchThrowableOfType(() -> stub.verifyAccess(in), ActivityFailure.class);

    ApplicationFailure f = (ApplicationFailure) failed.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.ACCESS_MISMATCH);
    assertThat(f.getOriginalMessage())
        .hasSizeLessThanOrEqualTo(AwsFailures.MAX_MESSAGE)
        .contains("MISMATCH s3:PutObject on arn:aws:s3:::labflow-lab-f/")
        .contains("ok       s3:GetObjectVersion0 ")
        .contains("more characters cut]");
    assertThat(encodedSize(f)).isLessThan(WARN_LIMIT);
  }
}
