package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.iam.IamActivities;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.testing.CallCounter;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A real HTTP 403 from the local stack (IAM enforcement, a user without any permission; the
 * answer is the IAM evaluator's AccessDenied): the failure is AccessDenied and neither the SDK nor
 * Temporal tries again.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class AccessDeniedOnMotoTest {

  /** IAM enforced, the SDK pointed at the user {@code nobody}, who has no permission. */
  private static void asNobody() throws Exception {
    MotoServer.enforceIamWithAdmin();
    String[] key;
    try (AwsClients admin = AwsClients.fromEnvironment()) {
      admin.iam().createUser(b -> b.userName("nobody"));
      var k = admin.iam().createAccessKey(b -> b.userName("nobody")).accessKey();
      key = new String[] {k.accessKeyId(), k.secretAccessKey()};
    }
    MotoServer.useCredentials(key[0], key[1]);
  }

  /**
   * A JSON API's denial reads as AWS answers it, {@code AccessDeniedException} with HTTP 400
   * (before: the query APIs' XML with HTTP 403, in which the SDK found no error code).
   */
  @Test
  void aServiceQuotasDenialReadsAsAwsAnswersIt() throws Exception {
    asNobody();
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      AwsServiceException e = catchThrowableOfType(AwsServiceException.class,
          () -> clients.serviceQuotas().getServiceQuota(b -> b.serviceCode("vpc")
              .quotaCode("L-F678F1CE")));

      assertThat(e).isNotNull();
      assertThat(AwsFailures.errorCode(e)).as(e.getMessage()).isEqualTo("AccessDeniedException");
      assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(400);
      assertThat(e.awsErrorDetails().errorMessage()).as(e.getMessage())
          .contains("is not authorized to perform: servicequotas:GetServiceQuota");
    }
  }

  @Test
  void aUserWithoutPermissionsGetsAccessDeniedOnceAndNoRetry() throws Exception {
    asNobody();

    AtomicInteger httpAttempts = new AtomicInteger();
    ExecutionInterceptor attempts =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
            httpAttempts.incrementAndGet();
          }
        };
    CallCounter calls = new CallCounter();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (AwsClients clients =
        AwsClients.fromEnvironment(
            List.of(calls, attempts))) {
      env.registerActivitiesImplementations(
          StepLibrary.implementations(clients, Lab.definitionsDir()).toArray());
      IamActivities iam =
          env.newActivityStub(
              IamActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofMillis(10))
                          .setMaximumAttempts(5)
                          .build())
                  .build());

      ActivityFailure failed =
          catchThrowableOfType(
              ActivityFailure.class,
              () ->
                  iam.createRole(
                      new CreateRoleInput(
                          "lab-403", "lab-403-role", null, null, null, null, null)));

      assertThat(failed).isNotNull();
      ApplicationFailure cause = (ApplicationFailure) failed.getCause();
      assertThat(cause.getType()).isEqualTo("AccessDenied");
      assertThat(cause.isNonRetryable()).isTrue();
      assertThat(cause.getOriginalMessage()).contains("HTTP 403");
      // The first IAM call of CreateRole (GetRole) is refused: one activity attempt, one request.
      assertThat(calls.count("Iam", "GetRole")).isEqualTo(1);
      assertThat(calls.count("Iam", "CreateRole")).isZero();
      assertThat(httpAttempts.get()).as("HTTP requests sent").isEqualTo(1);
    } finally {
      env.close();
    }
  }
}
