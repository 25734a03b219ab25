package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.client.ActivityCanceledException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityInput;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

@Tag("fast")
class BoundedActivityInterceptorTest {

  /** The interceptor around an activity of this type that returns (or throws) what {@code body} does. */
  private static ActivityInboundCallsInterceptor around(String type, Supplier<Object> body) {
    return around(type, 1, body);
  }

  /** As {@link #around(String, Supplier)}, as this attempt of a {@code LabWorkflow} activity. */
  private static ActivityInboundCallsInterceptor around(
      String type, int attempt, Supplier<Object> body) {
    ActivityInboundCallsInterceptor inner =
        new ActivityInboundCallsInterceptor() {
          @Override
          public void init(ActivityExecutionContext context) {}

          @Override
          public ActivityOutput execute(ActivityInput input) {
            return new ActivityOutput(body.get());
          }
        };
    ActivityInboundCallsInterceptor i = new BoundedActivityInterceptor().interceptActivity(inner);
    ActivityInfo info =
        (ActivityInfo)
            Proxy.newProxyInstance(
                ActivityInfo.class.getClassLoader(),
                new Class<?>[] {ActivityInfo.class},
                (p, m, a) ->
                    switch (m.getName()) {
                      case "getActivityType" -> type;
                      case "getAttempt" -> attempt;
                      case "getWorkflowType" -> LabWorkflow.TYPE;
                      case "isLocal" -> false;
                      default -> null;
                    });
    ActivityExecutionContext ctx =
        (ActivityExecutionContext)
            Proxy.newProxyInstance(
                ActivityExecutionContext.class.getClassLoader(),
                new Class<?>[] {ActivityExecutionContext.class},
                (p, m, a) -> m.getName().equals("getInfo") ? info : null);
    i.init(ctx);
    return i;
  }

  private static ActivityInboundCallsInterceptor throwing(Supplier<RuntimeException> failure) {
    return around("CreateRole", () -> {
      throw failure.get();
    });
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

  @Test
  void aStepWhoseOutputsAreTooLargeFailsWithItsSize() {
    Map<String, String> big = Map.of("document", "x".repeat(70 * 1024));
    assertThatThrownBy(() -> around("CreatePolicy", () -> big).execute(null))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getType()).isEqualTo("OutputTooLarge");
              assertThat(f.getOriginalMessage())
                  .isEqualTo("CreatePolicy returned 70 KiB of outputs; a step's outputs may be at most 64 KiB");
            });
  }

  @Test
  void smallOutputsAndTheEnginesOwnActivitiesPass() {
    Map<String, String> small = Map.of("roleName", "r");
    assertThat(around("CreateRole", () -> small).execute(null).getResult()).isEqualTo(small);
    Map<String, String> big = Map.of("definition", "x".repeat(70 * 1024));
    assertThat(around("labflow.ResolveDefinition", () -> big).execute(null).getResult()).isEqualTo(big);
  }

  @Test
  void aRetryThatSucceedsCarriesItsAttemptOnlyAboveTheFirst() {
    Map<String, String> out = Map.of("roleName", "r");
    assertThat(around("CreateRole", 3, () -> out).execute(null).getResult())
        .isEqualTo(Map.of("roleName", "r", LabWorkflow.ATTEMPT_KEY, 3));
    assertThat(around("CreateRole", 1, () -> out).execute(null).getResult()).isSameAs(out);
    assertThat(around("CreateRole", 2, () -> "text").execute(null).getResult()).isEqualTo("text");
  }

  private static Throwable catchExecute(ActivityInboundCallsInterceptor interceptor) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> interceptor.execute(new ActivityInput(null, new Object[0])))
        .satisfies(t -> caught[0] = t);
    return caught[0];
  }
}
