package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.parallel;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitStatus;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static io.labflow.workflows.interpreter.LabTestEnv.stateAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancelling a lab rolls back what it started. */
@Timeout(90)
@Tag("fast")
class LabWorkflowCancelTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  @Test
  void cancellingARunningLabRollsItBack(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create b");
    Definition d =
        definition("cancel")
            .steps(
                create("a"),
                create("b").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5)),
                create("c"))
            .build();
    LabWorkflow lab = start(client, worker, "lab-cancel", d, null);
    awaitStatus(lab, s -> s.steps().get(1).state() == StepState.RUNNING);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!RESOURCES.log().contains("Create b") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }

    WorkflowStub.fromTyped(lab).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(lab).getResult(LabResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    // b learns of the cancellation through its heartbeat before anything is undone.
    assertThat(RESOURCES.log())
        .containsExactly("Create a", "Create b", "Cancelled b", "Delete b", "Delete a");
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
    assertThat(lab.status().lastError())
        .isEqualTo("lab cancelled; rolled back: b, a; could not roll back: none");
  }

  @Test
  void cancellingALiveLabTearsItDown(WorkflowClient client, Worker worker) {
    Definition d =
        definition("cancel-live")
            .keepAlive(Duration.ofDays(1))
            .steps(create("a"), create("b"))
            .build();
    LabWorkflow lab = start(client, worker, "lab-cancel-live", d, null);
    LabTestEnv.awaitState(lab, LabState.LIVE);

    WorkflowStub.fromTyped(lab).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(lab).getResult(LabResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void cancellingAPausedLabRollsItBack(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    Definition d =
        definition("cancel-paused")
            .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE))
            .build();
    LabWorkflow lab = start(client, worker, "lab-cancel-paused", d, null);
    LabTestEnv.awaitState(lab, LabState.PAUSED);

    WorkflowStub.fromTyped(lab).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(lab).getResult(LabResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
    assertThat(lab.status().pausedStep()).isNull();
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void cancellingDuringAParallelGroupWaitsForEveryBranchBeforeRollingBack(
      WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create p1");
    RESOURCES.hang("Create p2");
    Definition d =
        definition("cancel-group")
            .steps(
                create("a"),
                parallel(
                    "group",
                    create("p1").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5)),
                    create("p2").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5))))
            .build();
    LabWorkflow lab = start(client, worker, "lab-cancel-group", d, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!RESOURCES.log().containsAll(java.util.List.of("Create p1", "Create p2"))
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }

    WorkflowStub.fromTyped(lab).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(lab).getResult(LabResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    var log = RESOURCES.log();
    assertThat(log).contains("Cancelled p1", "Cancelled p2");
    int firstDelete = log.indexOf("Delete p2");
    assertThat(log.indexOf("Cancelled p1")).isLessThan(firstDelete);
    assertThat(log.indexOf("Cancelled p2")).isLessThan(firstDelete);
    assertThat(log.subList(firstDelete, log.size()))
        .containsExactly("Delete p2", "Delete p1", "Delete a");
  }

  @Test
  void cancellingALabDuringASwitchRollsBackWithoutPausing(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create policy-version");
    Definition d =
        definition("cancel-switch")
            .variant("read-only", Map.of())
            .variant("read-write", Map.of())
            .keepAlive(Duration.ofDays(1))
            .pauseTimeout(Duration.ofHours(24))
            .steps(create("role"))
            .onVariantChange(
                create("policy-version").heartbeat(Duration.ofSeconds(2))
                    .timeout(Duration.ofSeconds(3)).maxAttempts(1).onFailure(OnFailure.PAUSE))
            .build();
    LabWorkflow lab = start(client, worker, "lab-cancel-switch", d, null);
    LabTestEnv.awaitState(lab, LabState.LIVE);
    WorkflowStub.fromTyped(lab).startUpdate(
        "switchVariant", WorkflowUpdateStage.ACCEPTED, LabStatus.class, RawJson.of("read-write"));
    awaitStatus(lab, s -> s.steps().size() == 2 && s.steps().get(1).state() == StepState.RUNNING);

    // The switch runs in an Update, which the cancellation does not reach: its step times out.
    WorkflowStub.fromTyped(lab).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(lab).getResult(LabResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(lab.status().lastError()).isEqualTo("step 'policy-version' (Create) failed: timed"
        + " out (start-to-close); rolled back: policy-version, role; could not roll back: none");
    assertThat(RESOURCES.calls("Delete policy-version")).isEqualTo(1);
    assertThat(RESOURCES.calls("Delete role")).isEqualTo(1);
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }
}
