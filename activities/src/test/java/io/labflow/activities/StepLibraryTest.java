package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.testing.MotoServer;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import jakarta.annotation.Nullable;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
