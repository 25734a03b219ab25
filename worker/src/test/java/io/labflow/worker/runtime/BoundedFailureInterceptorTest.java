package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.failure.v1.Failure;
import io.temporal.client.ActivityCanceledException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityInput;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

@Tag("fast")
class BoundedFailureInterceptorTest {

  private static ActivityInboundCallsInterceptor throwing(Supplier<RuntimeException> failure) {
    ActivityInboundCallsInterceptor failing =
        new ActivityInboundCallsInterceptor() {
          @Override
          public void init(io.temporal.activity.ActivityExecutionContext context) {}

          @Override
          public ActivityOutput execute(ActivityInput input) {
            throw failure.get();
          }
        };
    return new BoundedFailureInterceptor().interceptActivity(failing);
  }

  private static RuntimeException deep(int depth) {
    RuntimeException e = new IllegalStateException("x".repeat(20_000));
    for (int i = 0; i < depth; i++) {
      e = new RuntimeException("wrapper " + i + " " + "y".repeat(2_000), e);
    }
    return e;
  }

  @Test
  void anUnexpectedExceptionBecomesABoundedRetryableFailureOfTheSameType() {
    Throwable thrown = catchExecute(throwing(() -> deep(30)));

    assertThat(thrown).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) thrown;
    assertThat(f.getType()).isEqualTo(RuntimeException.class.getName());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getCause()).isNull();
    Failure proto = DefaultDataConverter.STANDARD_INSTANCE.exceptionToFailure(f);
    assertThat(proto.getSerializedSize()).isLessThan(4 * 1024);
  }

  @Test
  void anUnmappedAwsErrorIsMappedByTheStepLibrarysErrorTable() {
    Throwable thrown =
        catchExecute(
            throwing(
                () ->
                    AwsServiceException.builder()
                        .statusCode(400)
                        .awsErrorDetails(
                            AwsErrorDetails.builder()
                                .errorCode("AccessDenied")
                                .errorMessage("not allowed")
                                .serviceName("Iam")
                                .build())
                        .build()));

    assertThat(thrown).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) thrown).getType()).isEqualTo("AccessDenied");
    assertThat(((ApplicationFailure) thrown).isNonRetryable()).isTrue();
  }

  @Test
  void applicationFailuresAndCancellationsPassUnchanged() {
    ApplicationFailure own = ApplicationFailure.newNonRetryableFailure("m", "NotOwned");
    ActivityCanceledException cancelled = new ActivityCanceledException();

    assertThat(catchExecute(throwing(() -> own))).isSameAs(own);
    assertThat(catchExecute(throwing(() -> cancelled))).isSameAs(cancelled);
  }

  private static Throwable catchExecute(ActivityInboundCallsInterceptor interceptor) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> interceptor.execute(new ActivityInput(null, new Object[0])))
        .satisfies(t -> caught[0] = t);
    return caught[0];
  }
}
