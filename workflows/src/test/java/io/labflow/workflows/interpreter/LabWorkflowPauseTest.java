package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.use;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static io.labflow.workflows.interpreter.LabTestEnv.stateAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** onFailure: pause, and the operator's decisions. */
@Timeout(90)
@Tag("fast")
class LabWorkflowPauseTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  private static Definition pausing() {
    return definition("pausing")
        .pauseTimeout(Duration.ofHours(2))
        .steps(
            create("a"),
            create("b").maxAttempts(1).onFailure(OnFailure.PAUSE),
            use("c").input("id", "${steps.b.id}"))
        .build();
  }

  private static LabStatus pausedAtB(LabWorkflow lab) {
    LabStatus paused = awaitState(lab, LabState.PAUSED);
    assertThat(paused.pausedStep()).isEqualTo("b");
    // When it rolls back without a decision (pauseTimeout 2h), as the Web UI's details say.
    assertThat(paused.until()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z");
    assertThat(WorkflowStub.fromTyped(lab).query("__temporal_workflow_metadata",
            WorkflowMetadata.class).getCurrentDetails())
        .contains("**PAUSED** until " + paused.until(),
            "Without a decision by " + paused.until() + " the lab rolls back.");
    assertThat(paused.steps().get(1).state()).isEqualTo(StepState.FAILED);
    assertThat(paused.steps().get(1).lastError()).isEqualTo("Throttling: throttling on b");
    assertThat(paused.lastError()).startsWith("step 'b' (Create) failed: Throttling");
    assertThat(stateAttribute(lab)).isEqualTo("PAUSED");
    return paused;
  }

  /** Starts the pausing lab with b failing once, and waits for it to pause at b. */
  private static LabWorkflow startPausedAtB(WorkflowClient client, Worker worker, String labId) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    LabWorkflow lab = start(client, worker, labId, pausing(), null);
    pausedAtB(lab);
    return lab;
  }

  @Test
  void pauseThenRetryCompletes(WorkflowClient client, Worker worker) {
    LabWorkflow lab = startPausedAtB(client, worker, "lab-pause-retry");

    LabStatus afterDecision = lab.resume(RawJson.of(Decision.RETRY));
    assertThat(afterDecision.state()).isEqualTo(LabState.PROVISIONING);
    assertThat(afterDecision.pausedStep()).isNull();
    assertThat(afterDecision.until()).isNull();

    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Create b", "Use c");
    assertThat(RESOURCES.input("Use c").id()).isEqualTo("id-b");
  }

  @Test
  void theTimersALabCancelsLeaveNoWarningInTheWorkersLog(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    Definition d = definition("pausing-live")
        .pauseTimeout(Duration.ofHours(2))
        .keepAlive(Duration.ofHours(1))
        .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE))
        .build();
    LabWorkflow lab = start(client, worker, "lab-quiet", d, null);
    pausedAtB(lab);

    List<String> warned = LabTestEnv.unreadFailures(() -> {
      // The decision cancels the pause's timer, the teardown the keep-alive's.
      lab.resume(RawJson.of(Decision.RETRY));
      awaitState(lab, LabState.LIVE);
      lab.teardown(null);
      assertThat(WorkflowStub.fromTyped(lab).getResult(LabResult.class).state())
          .isEqualTo(LabState.TORN_DOWN);
      // A query of the closed run replays it, and closes it again.
      assertThat(lab.status().state()).isEqualTo(LabState.TORN_DOWN);
    });

    // Before: "Promise completed with exception and was never accessed", a CanceledFailure's
    // stack trace, at every close of the run, after a teardown that went well.
    assertThat(warned).isEmpty();
  }

  @Test
  void pauseThenRollbackRollsBackAndFails(WorkflowClient client, Worker worker) {
    LabWorkflow lab = startPausedAtB(client, worker, "lab-pause-rollback");

    lab.resume(RawJson.of(Decision.ROLLBACK));
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'b' (Create) failed: Throttling: throttling on b; rolled back: b, a;"
                + " could not roll back: none");
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void pauseThatTimesOutRollsBack(WorkflowClient client, Worker worker) {
    LabWorkflow lab = startPausedAtB(client, worker, "lab-pause-timeout");

    // Waiting for the result lets the test server skip the two hours of the pause.
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'b' (Create) failed: Throttling: throttling on b (no decision within the pause"
                + " timeout of 2h); rolled back: b, a; could not roll back: none");
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
  }

  @Test
  void skipBySignalMakesLaterReferencesToTheSkippedStepFail(WorkflowClient client, Worker worker) {
    LabWorkflow lab = startPausedAtB(client, worker, "lab-pause-skip");

    lab.decide(RawJson.of(Decision.SKIP));
    ApplicationFailure failure = labFailure(lab);

    // c reads ${steps.b.id}, which a skipped step does not have: c fails and the lab rolls back.
    assertThat(failure.getOriginalMessage())
        .startsWith("step 'c' (Use) failed: InvalidInput: '${steps.b.id}' has no value");
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
  }

  @Test
  void skipWithoutLaterReferencesCompletes(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    Definition d =
        definition("skippable")
            .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE), create("c"))
            .build();
    LabWorkflow lab = start(client, worker, "lab-skip", d, null);
    pausedAtB(lab);

    lab.resume(RawJson.of(Decision.SKIP));
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    assertThat(result.steps().get(1).state()).isEqualTo(StepState.SKIPPED);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Create c");
  }

  @Test
  void teardownOfAPausedLabUndoesEverythingAndEndsTornDown(WorkflowClient client, Worker worker) {
    LabWorkflow lab = startPausedAtB(client, worker, "lab-pause-teardown");

    LabStatus status = lab.teardown(null);
    assertThat(status.state()).isEqualTo(LabState.TORN_DOWN);

    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
  }

  @Test
  void resumeIsRejectedUnlessPaused(WorkflowClient client, Worker worker) {
    Definition d = definition("live").keepAlive(Duration.ofHours(1)).steps(create("a")).build();
    LabWorkflow lab = start(client, worker, "lab-not-paused", d, null);
    awaitState(lab, LabState.LIVE);

    assertThatThrownBy(() -> lab.resume(RawJson.of(Decision.RETRY)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("lab lab-not-paused is not paused (LIVE)");
    lab.decide(RawJson.of(Decision.RETRY)); // ignored, as the lab is not paused
    assertThat(lab.teardown(null).state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Delete a");
  }
}
