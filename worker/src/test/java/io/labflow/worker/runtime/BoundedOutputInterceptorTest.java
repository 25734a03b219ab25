package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BoundedOutputInterceptorTest {

  private static ActivityInboundCallsInterceptor returning(String type, Object result) {
    ActivityInboundCallsInterceptor inner =
        new ActivityInboundCallsInterceptor() {
          @Override
          public void init(ActivityExecutionContext context) {}

          @Override
          public ActivityOutput execute(ActivityInput input) {
            return new ActivityOutput(result);
          }
        };
    ActivityInboundCallsInterceptor i = new BoundedOutputInterceptor().interceptActivity(inner);
    ActivityInfo info =
        (ActivityInfo)
            Proxy.newProxyInstance(
                ActivityInfo.class.getClassLoader(),
                new Class<?>[] {ActivityInfo.class},
                (p, m, a) -> m.getName().equals("getActivityType") ? type : null);
    ActivityExecutionContext ctx =
        (ActivityExecutionContext)
            Proxy.newProxyInstance(
                ActivityExecutionContext.class.getClassLoader(),
                new Class<?>[] {ActivityExecutionContext.class},
                (p, m, a) -> m.getName().equals("getInfo") ? info : null);
    i.init(ctx);
    return i;
  }

  @Test
  void aStepWhoseOutputsAreTooLargeFailsWithItsSize() {
    Map<String, String> big = Map.of("document", "x".repeat(70 * 1024));
    assertThatThrownBy(() -> returning("CreatePolicy", big).execute(null))
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
    assertThat(returning("CreateRole", small).execute(null).getResult()).isEqualTo(small);
    Map<String, String> big = Map.of("definition", "x".repeat(70 * 1024));
    assertThat(returning("labflow.ResolveDefinition", big).execute(null).getResult()).isEqualTo(big);
  }
}
