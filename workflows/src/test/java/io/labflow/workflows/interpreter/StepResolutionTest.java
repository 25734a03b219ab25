package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Steps are resolved once, when their definition is built: a payload written before steps were
 * sealed (no type, options left null to inherit) reads back as the same resolved steps.
 */
@Tag("fast")
class StepResolutionTest {

  private static final StepDefaults DEFAULTS =
      new StepDefaults(
          new RetrySpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 3, null),
          Duration.ofSeconds(10),
          null,
          null,
          OnFailure.ROLLBACK,
          Duration.ofHours(1));

  /** The shape of a resolved lab in the recorded histories (see histories/switch-teardown.json). */
  private static final String OLD_PAYLOAD =
      """
      {"definition":{"name":"old","description":"d","version":"1","parameters":{},
       "variants":{},"defaultVariant":null,
       "defaults":{"retry":{"initialInterval":0.1,"backoffCoefficient":2.0,"maximumInterval":1.0,
         "maximumAttempts":3,"nonRetryable":null},"timeout":10.0,"scheduleToClose":null,
         "heartbeat":null,"onFailure":"ROLLBACK","pauseTimeout":3600.0},
       "steps":[
        {"id":"role","action":"Create","with":{"name":"role"},"retry":null,"timeout":null,
         "scheduleToClose":null,"heartbeat":null,
         "compensate":{"action":"Delete","with":{"name":"role"},"retry":null,"timeout":null},
         "onFailure":null,"parallel":[],"line":0},
        {"id":"g","action":null,"with":{},"retry":null,"timeout":null,"scheduleToClose":null,
         "heartbeat":null,"compensate":null,"onFailure":null,"line":0,
         "parallel":[{"id":"p1","action":"Create","with":{},"retry":{"initialInterval":null,
           "backoffCoefficient":null,"maximumInterval":null,"maximumAttempts":7,
           "nonRetryable":["AccessDenied"]},"timeout":null,"scheduleToClose":null,
           "heartbeat":null,"compensate":null,"onFailure":"PAUSE","parallel":[],"line":0}]}],
       "onVariantChange":[],"keepAlive":null},
       "source":"test","variant":null,"parameters":{}}
      """;

  private static final DataConverter CONVERTER = DefaultDataConverter.STANDARD_INSTANCE;

  private static ResolvedLab read(String json) {
    Payload payload =
        CONVERTER.toPayload("x").orElseThrow().toBuilder()
            .setData(com.google.protobuf.ByteString.copyFrom(json, StandardCharsets.UTF_8))
            .build();
    return CONVERTER.fromPayload(payload, ResolvedLab.class, ResolvedLab.class);
  }

  @Test
  void anOldPayloadReadsBackAsResolvedSteps() {
    Definition d = read(OLD_PAYLOAD).definition();

    RetrySpec inherited =
        new RetrySpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 3, List.of());
    assertThat(d.steps().get(0))
        .isEqualTo(
            new ActionStep(
                "role",
                "Create",
                Map.of("name", "role"),
                inherited,
                Duration.ofSeconds(10),
                null,
                null,
                new Compensation(
                    "Delete",
                    Map.of("name", "role"),
                    // An undo keeps trying until done: the defaults' attempts bound steps only.
                    new RetrySpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0, List.of()),
                    Duration.ofSeconds(10),
                    null,
                    null),
                OnFailure.ROLLBACK,
                0));
    ParallelGroup group = (ParallelGroup) d.steps().get(1);
    assertThat(group.onFailure()).isEqualTo(OnFailure.ROLLBACK);
    ActionStep p1 = group.parallel().get(0);
    assertThat(p1.retry())
        .isEqualTo(
            new RetrySpec(
                Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 7, List.of("AccessDenied")));
    assertThat(p1.onFailure()).isEqualTo(OnFailure.PAUSE);
    assertThat(p1.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aResolvedPayloadRoundTripsUnchanged() {
    ResolvedLab old = read(OLD_PAYLOAD);

    ResolvedLab again = read(CONVERTER.toPayload(old).orElseThrow().getData().toStringUtf8());

    assertThat(again).isEqualTo(old);
  }

  @Test
  void resolvingTwiceChangesNothing() {
    ActionStep written =
        new ActionStep(
            "s",
            "Create",
            Map.of(),
            null,
            null,
            Duration.ofMinutes(3),
            null,
            new Compensation("Delete", Map.of(), null, null, null, null),
            null,
            4);

    ActionStep once = written.resolvedBy(DEFAULTS);

    assertThat(once.resolvedBy(DEFAULTS)).isEqualTo(once);
    assertThat(once.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(once.scheduleToClose()).isEqualTo(Duration.ofMinutes(3));
    assertThat(once.compensate().scheduleToClose()).isNull();
    assertThat(once.retry().nonRetryable()).isEmpty();
  }

  @Test
  void withNothingToBoundACallTheFallbackTimeoutIsSetOnceForStepAndUndo() {
    Compensation undo = new Compensation("Delete", null, null, null, null, null);
    ActionStep bare = new ActionStep("s", "Create", null, null, null, null, null, undo, null, 0);

    ActionStep resolved = bare.resolvedBy(null);

    assertThat(resolved.timeout()).isEqualTo(ActionStep.FALLBACK_TIMEOUT);
    assertThat(resolved.compensate().timeout()).isEqualTo(ActionStep.FALLBACK_TIMEOUT);
    assertThat(resolved.onFailure()).isEqualTo(OnFailure.ROLLBACK);
    assertThat(resolved.retry().maximumAttempts()).isZero();
    assertThat(resolved.with()).isEmpty();
  }

  /** The grammar is closed by type: a group cannot hold a group, and a step's kind is its type. */
  @Test
  void aGroupHoldsOnlyActionSteps() {
    ActionStep a = new ActionStep("a", "Create", null, null, null, null, null, null, null, 0);
    Step inner = new ParallelGroup("inner", List.of(a), null, 0);

    assertThat(ParallelGroup.class.getRecordComponents()[1].getGenericType().getTypeName())
        .isEqualTo("java.util.List<" + ActionStep.class.getName() + ">");
    assertThat(Step.class.getMethods())
        .extracting(Method::getName)
        .doesNotContain("isParallel", "parallel");
    assertThatThrownBy(() -> new ParallelGroup("empty", List.of(), null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs branches");
    assertThat(Step.actions(List.of(inner))).extracting(Step::id).containsExactly("a");
  }
}
