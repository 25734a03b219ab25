package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.failure.ApplicationFailure;
import jakarta.annotation.Nullable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** The step library's shape, as the engine's action catalog reads it by reflection. */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class StepLibraryTest {

  @Test
  void declaresExactlyTheAgreedActionsWithOneRecordInAndOut() {
    List<String> names = new ArrayList<>();
    for (Class<?> iface : StepLibrary.activityInterfaces()) {
      assertThat(iface.getAnnotation(ActivityInterface.class)).as(iface.getName()).isNotNull();
      for (Method m : iface.getMethods()) {
        ActivityMethod am = m.getAnnotation(ActivityMethod.class);
        assertThat(am).as(m.toString()).isNotNull();
        names.add(am.name());
        assertThat(m.getParameterCount()).isEqualTo(1);
        Class<?> in = m.getParameterTypes()[0];
        assertThat(in.isRecord()).as(in.getName()).isTrue();
        assertThat(m.getReturnType().isRecord()).as(m.getReturnType().getName()).isTrue();
        RecordComponent labId = in.getRecordComponents()[0];
        assertThat(labId.getName()).as(in.getName()).isEqualTo("labId");
        assertThat(labId.isAnnotationPresent(Nullable.class)).isFalse();
      }
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "CreateStack",
            "DeleteStack",
            "CreateRole",
            "DeleteRole",
            "CreatePolicy",
            "CreatePolicyVersion",
            "DeletePolicy",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "CreateInstanceProfile",
            "DeleteInstanceProfile",
            "AssociateInstanceProfile",
            "DisassociateInstanceProfile",
            "VerifyAccess",
            "ListLabResources",
            "DeleteLabResources",
            "CheckRoleTrust",
            "CheckRoleBoundary",
            "CheckPolicyScope",
            "CheckPolicyAttached",
            "CheckInstanceProfile",
            "CheckProfileOnInstance",
            "CheckAccess",
            "AdoptRole",
            "AdoptPolicy",
            "AdoptInstanceProfile",

            "CreateLearnerAccess",
            "DeleteLearnerAccess");
  }

  @Test
  void buildsOneImplementationPerInterface() {
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      List<Object> impls = StepLibrary.implementations(clients, Path.of("definitions"));
      assertThat(impls).hasSameSizeAs(StepLibrary.activityInterfaces());
      for (Class<?> iface : StepLibrary.activityInterfaces()) {
        assertThat(impls).filteredOn(iface::isInstance).hasSize(1);
      }
    }
  }

  /**
   * Every field the action catalog calls required, null or (a string) blank, is refused by its
   * action with the one sentence, before any AWS call; the cases come from the catalog, so an
   * action that forgets one of its fields fails here.
   */
  @Test
  void refusesEveryMissingRequiredFieldBeforeAnyAwsCall() throws Exception {
    ActionCatalog catalog = ActionCatalog.fromActivityInterfaces(
        StepLibrary.activityInterfaces().toArray(Class<?>[]::new));
    List<String> expected = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    int calls;
    try (Lab lab = new Lab()) {
      for (Class<?> iface : StepLibrary.activityInterfaces()) {
        Object stub = lab.stub(iface);
        for (Method m : iface.getMethods()) {
          String action = m.getAnnotation(ActivityMethod.class).name();
          ActionSpec spec = catalog.find(action).orElseThrow();
          Class<?> type = m.getParameterTypes()[0];
          RecordComponent[] fields = type.getRecordComponents();
          Object[] valid = Arrays.stream(fields)
              .map(f -> spec.input(f.getName()).orElseThrow().required() ? valid(f) : null)
              .toArray();
          Constructor<?> input = type.getDeclaredConstructor(
              Arrays.stream(fields).map(RecordComponent::getType).toArray(Class<?>[]::new));
          for (int i = 0; i < fields.length; i++) {
            if (valid[i] == null) {
              continue; // optional
            }
            for (Object missing :
                valid[i] instanceof String ? new Object[] {null, " "} : new Object[] {null}) {
              Object[] values = valid.clone();
              values[i] = missing;
              expected.add("InvalidInput, not retried: " + action + ": input field '"
                  + fields[i].getName() + "' is required");
              refused.add(refusal(m, stub, input.newInstance(values)));
            }
          }
        }
      }
      calls = lab.calls.total();
    }
    assertThat(expected).isNotEmpty();
    assertThat(refused).containsExactlyElementsOf(expected);
    assertThat(calls).isZero();
  }

  /** A value a step could give the field. */
  private static Object valid(RecordComponent field) {
    if (Collection.class.isAssignableFrom(field.getType())) {
      return List.of();
    }
    if (Map.class.isAssignableFrom(field.getType())) {
      return Map.of();
    }
    return field.getName().equals("notBefore") ? "2026-12-05T02:00:00Z" : "lab-x";
  }

  /** How the action refused this input, or what it did instead. */
  private static String refusal(Method action, Object stub, Object input) throws Exception {
    try {
      return "not refused: " + action.invoke(stub, input);
    } catch (InvocationTargetException e) {
      return e.getCause().getCause() instanceof ApplicationFailure f
          ? f.getType() + (f.isNonRetryable() ? ", not retried: " : ", retried: ")
              + f.getOriginalMessage()
          : e.getCause().toString();
    }
  }
}
