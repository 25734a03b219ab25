package io.labflow.worker.lab;

import static io.labflow.worker.lab.LabOnMoto.STEPS;
import static io.labflow.worker.lab.LabOnMoto.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.client.WorkflowStub;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Every step, and then every compensation, loses the response of its first attempt after doing
 * the real work (a retryable failure, as a worker crash or a network cut would cause). The
 * retried attempts must adopt what exists, or treat it as already gone: the lab still provisions
 * with exactly one resource of each kind, verifies, tears down, and leaves nothing.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class LostResponsesOnMotoTest {

  static final String LAB = "lab-lost";

  @AutoClose LabOnMoto moto;

  @Test
  void everyActionIsIdempotentUnderRetryThroughTheInterpreter() throws Exception {
    moto = LabOnMoto.start();
    for (LabOnMoto.LabStep s : STEPS) {
      moto.interceptor.inject(new StepInterceptor.Fault(s.action(), true, true));
    }

    LabWorkflow lab = moto.startLab(LAB, "read-only");
    LabStatus live = LabOnMoto.awaitLive(lab);

    assertThat(live.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.DONE));
    List<String> attempts = moto.interceptor.attempts();
    // One fault per action: the first step of each action runs twice (the lab's two VerifyAccess
    // steps make three VerifyAccess attempts), and status shows the attempt that succeeded.
    List<String> actions = STEPS.stream().map(LabOnMoto.LabStep::action).toList();
    for (LabOnMoto.LabStep s : STEPS) {
      assertThat(Collections.frequency(attempts, s.action())).as(s.action())
          .isEqualTo(Collections.frequency(actions, s.action()) + 1);
      boolean faulted = STEPS.stream().filter(o -> o.action().equals(s.action())).findFirst()
          .orElseThrow() == s;
      assertThat(step(live, s.id()).attempt()).as("attempt of %s", s.id()).isEqualTo(faulted ? 2 : 1);
    }
    // The second attempts adopted the resources of the first: one of each exists.
    assertThat(moto.operations.since(0, "Create")).containsExactlyInAnyOrderElementsOf(LabOnMoto.CREATES);
    assertThat(moto.calls.count("Ec2", "AssociateIamInstanceProfile")).isEqualTo(1);
    for (String id : List.of("create-stack", "create-role", "create-policy", "create-instance-profile")) {
      assertThat(step(live, id).outputs()).as(id).containsEntry("adopted", true);
    }
    assertThat(step(live, "associate-profile").outputs()).containsEntry("change", "unchanged");
    assertThat(step(live, "verify-access").outputs()).containsEntry("matches", true);
    assertThat(EmulatorInventory.take().get("policies")).hasSize(1);
    assertThat(moto.clients.iam()
            .listPolicyVersions(
                b -> b.policyArn((String) step(live, "create-policy").outputs().get("policyArn")))
            .versions())
        .as("no extra policy version from the retried CreatePolicy")
        .hasSize(1);

    // Teardown with every undo losing its first response: the retry finds nothing to do.
    for (LabOnMoto.LabStep s : STEPS) {
      if (s.undo() != null) {
        moto.interceptor.inject(new StepInterceptor.Fault(s.undo(), true, true));
      }
    }
    LabStatus torn = lab.teardown(null);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(torn.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    for (LabOnMoto.LabStep s : STEPS) {
      if (s.undo() != null) {
        assertThat(moto.interceptor.results(s.undo()))
            .as("results of %s", s.undo())
            .extracting(RollbackAtEveryStepOnMotoTest::changedSomething)
            .containsExactly(true, false);
      }
    }
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
  }
}
