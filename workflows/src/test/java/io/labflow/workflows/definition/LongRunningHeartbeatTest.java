package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Steps and undo steps of long-running actions get a heartbeat timeout even where the step file
 * gives none, so a worker lost inside one is noticed in about a minute.
 */
@Tag("fast")
class LongRunningHeartbeatTest {

  private static final List<FieldSpec> IN = List.of(new FieldSpec("name", "string", true, null, null));

  private final DefinitionLoader loader =
      new DefinitionLoader(
          ActionCatalog.of(
              List.of(
                  new ActionSpec("CreateThing", IN, List.of(), true),
                  new ActionSpec("DeleteThing", IN, List.of(), true),
                  new ActionSpec("CreateQuick", IN, List.of(), false),
                  new ActionSpec("DeleteQuick", IN, List.of(), false))));

  private Definition load(String defaults, String steps) {
    String text = "name: hb\n" + defaults + "steps:\n" + steps;
    LoadResult r = loader.load("hb.yaml", text);
    assertThat(r.errors()).isEmpty();
    return r.definitionOrNull();
  }

  private static final String STEPS =
      """
        - id: thing
          action: CreateThing
          with: {name: a}
          compensate:
            action: DeleteThing
            with: {name: a}
        - id: quick
          action: CreateQuick
          with: {name: b}
          compensate:
            action: DeleteQuick
            with: {name: b}
        - id: own
          action: CreateThing
          with: {name: c}
          heartbeat: 10s
          compensate:
            action: DeleteThing
            with: {name: c}
            heartbeat: 20s
      """;

  @Test
  void longRunningActionsWithoutAHeartbeatGetTheBuiltInOneStepsAndUndosAlike() {
    Definition d = load("", STEPS);
    ActionStep thing = (ActionStep) d.steps().get(0);
    ActionStep quick = (ActionStep) d.steps().get(1);
    ActionStep own = (ActionStep) d.steps().get(2);

    assertThat(thing.heartbeat()).isEqualTo(OptionsReader.LONG_RUNNING_HEARTBEAT);
    assertThat(thing.compensate().heartbeat()).isEqualTo(OptionsReader.LONG_RUNNING_HEARTBEAT);
    assertThat(OptionsReader.LONG_RUNNING_HEARTBEAT).isEqualTo(Duration.ofMinutes(1));
    assertThat(quick.heartbeat()).isNull();
    assertThat(quick.compensate().heartbeat()).isNull();
    assertThat(own.heartbeat()).isEqualTo(Duration.ofSeconds(10));
    assertThat(own.compensate().heartbeat()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aDefaultsHeartbeatIsInheritedInsteadOfTheBuiltInOne() {
    Definition d = load("defaults:\n  heartbeat: 15s\n", STEPS);

    assertThat(d.defaults().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    // Resolved by the loader: the defaults' heartbeat, not the built-in one, unless the step has its own.
    ActionStep thing = (ActionStep) d.steps().get(0);
    assertThat(thing.heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(thing.compensate().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(((ActionStep) d.steps().get(2)).compensate().heartbeat())
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aBadUndoHeartbeatIsAnErrorAtItsPath() {
    LoadResult r =
        loader.load(
            "hb.yaml",
            """
            name: hb
            steps:
              - id: thing
                action: CreateThing
                with: {name: a}
                compensate:
                  action: DeleteThing
                  with: {name: a}
                  heartbeat: soon
            """);
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).singleElement().asString()
        .contains("steps[0].compensate.heartbeat").contains("soon");
  }

  @Retention(RetentionPolicy.RUNTIME)
  @interface LongRunning {}

  @ActivityInterface
  public interface Things { // Temporal registers only public activity interfaces
    record In(String name) {}

    @LongRunning
    @ActivityMethod(name = "WaitForThing")
    void waitForThing(In in);

    @ActivityMethod(name = "Poke")
    void poke(In in);
  }

  @Test
  void theCatalogReadsLongRunningFromTheActivityMethod() {
    ActionCatalog c = ActionCatalog.fromActivityInterfaces(Things.class);

    assertThat(c.find("WaitForThing")).get().extracting(ActionSpec::longRunning).isEqualTo(true);
    assertThat(c.find("Poke")).get().extracting(ActionSpec::longRunning).isEqualTo(false);
  }
}
