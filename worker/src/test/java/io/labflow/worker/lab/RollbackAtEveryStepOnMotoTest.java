package io.labflow.worker.lab;

import static io.labflow.worker.lab.LabOnMoto.STEPS;
import static io.labflow.worker.lab.LabOnMoto.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A failure at each step of {@code iam-service-role-lab} in turn, injected around the real
 * activity (after it really ran, so its resource exists and must be undone, or before it): the
 * lab fails naming that step, ends ROLLED_BACK, every compensation of a started step runs exactly
 * once newest first, and the emulator holds nothing afterwards.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class RollbackAtEveryStepOnMotoTest {

  @AutoClose LabOnMoto moto;

  @ParameterizedTest(name = "step {0} fails {1} the real call")
  @CsvSource({
    "1, after", "2, after", "3, after", "4, after", "5, after", "6, after", "7, after", "8, after",
    "1, before", "2, before", "3, before", "4, before", "5, before", "6, before", "7, before",
    "8, before"
  })
  void failureAtStepRollsBackEverythingStarted(int k, String when) throws Exception {
    moto = LabOnMoto.start();
    LabOnMoto.LabStep failing = STEPS.get(k - 1);
    // Steps before k that run the same action (the two VerifyAccess steps) go through first.
    int earlierSameAction =
        (int) STEPS.subList(0, k - 1).stream().filter(s -> s.action().equals(failing.action())).count();
    moto.interceptor.inject(
        new StepInterceptor.Fault(failing.action(), when.equals("after"), false, earlierSameAction));
    String labId = "lab-k" + k + "-" + when;

    LabWorkflow lab = moto.startLab(labId, "read-only");
    WorkflowFailedException failed =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    // The failure names step k, its action and the injected error, and lists the rollback.
    List<LabOnMoto.LabStep> started = STEPS.subList(0, k);
    List<String> undoneIds = new ArrayList<>();
    List<String> undoActions = new ArrayList<>();
    for (int i = started.size() - 1; i >= 0; i--) {
      if (started.get(i).undo() != null) {
        undoneIds.add(started.get(i).id());
        undoActions.add(started.get(i).undo());
      }
    }
    assertThat(failed).as("the lab must fail").isNotNull();
    assertThat(failed.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("LabFailed");
    assertThat(cause.getOriginalMessage())
        .isEqualTo(
            "step '"
                + failing.id()
                + "' ("
                + failing.action()
                + ") failed: "
                + StepInterceptor.INJECTED
                + ": injected "
                + when
                + " the real "
                + failing.action()
                + "; rolled back: "
                + String.join(", ", undoneIds)
                + "; could not roll back: none");

    // ROLLED_BACK, in the query and in the search attribute.
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(LabOnMoto.stateAttribute(lab)).isEqualTo("ROLLED_BACK");
    for (int i = 0; i < STEPS.size(); i++) {
      LabOnMoto.LabStep s = STEPS.get(i);
      StepState expected =
          i >= k
              ? StepState.PENDING
              : s.undo() != null
                  ? StepState.COMPENSATED
                  : i == k - 1 ? StepState.FAILED : StepState.DONE;
      assertThat(step(status, s.id()).state()).as("step %s", s.id()).isEqualTo(expected);
    }

    // Steps 1..k ran once each, then each compensation exactly once, newest first.
    Set<String> forward =
        STEPS.stream().map(LabOnMoto.LabStep::action).collect(Collectors.toSet());
    Set<String> undo =
        STEPS.stream()
            .map(LabOnMoto.LabStep::undo)
            .filter(u -> u != null)
            .collect(Collectors.toSet());
    List<String> attempts = moto.interceptor.attempts();
    assertThat(attempts.stream().filter(forward::contains).toList())
        .containsExactlyElementsOf(started.stream().map(LabOnMoto.LabStep::action).toList());
    assertThat(attempts.stream().filter(undo::contains).toList())
        .containsExactlyElementsOf(undoActions);
    int lastForward = attempts.lastIndexOf(failing.action());
    assertThat(attempts.subList(lastForward + 1, attempts.size()))
        .containsExactlyElementsOf(undoActions);

    // Each undo found its resource, except the failing step's when it failed before its call.
    for (int i = 0; i < started.size(); i++) {
      LabOnMoto.LabStep s = started.get(i);
      if (s.undo() == null) {
        continue;
      }
      boolean existed = i < k - 1 || when.equals("after");
      assertThat(moto.interceptor.results(s.undo()))
          .as("result of %s (undo of %s)", s.undo(), s.id())
          .singleElement()
          .satisfies(r -> assertThat(changedSomething(r)).isEqualTo(existed));
    }

    // Nothing of the lab is left, tagged or not.
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(labId).noneTagged()).isTrue();
  }

  /** Whether an undo action's result says it removed something. */
  static boolean changedSomething(Object result) {
    if (result instanceof DeleteOutput d) {
      return d.deleted();
    }
    if (result instanceof RolePolicyOutput r) {
      return r.changed();
    }
    throw new AssertionError("not an undo result: " + result);
  }
}
