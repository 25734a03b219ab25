package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.Definition;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A step refused because its resource is someone else's (NotOwned) created nothing: when its undo
 * refuses the same resource, that is nothing to undo, not a failed rollback. Any other mix stays a
 * failure, so a real leak is never hidden.
 */
@Timeout(60)
@Tag("fast")
class LabWorkflowRefusalTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  @Test
  void aRefusedStepWhoseUndoRefusesTooEndsRolledBackWithEverythingUndone(
      WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create b", "NotOwned");
    RESOURCES.failNonRetryable("Delete b", "NotOwned");
    Definition d = definition("refusal").steps(create("a"), create("b"), create("c")).build();

    LabWorkflow lab = start(client, worker, "lab-refused", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'b' (Create) refused: NotOwned: notowned on b; everything created was undone"
                + " (rolled back: a; nothing to undo: b)");
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(status.steps().get(0).state()).isEqualTo(StepState.COMPENSATED);
    assertThat(status.steps().get(1).state()).isEqualTo(StepState.REFUSED);
    assertThat(status.steps().get(1).lastError()).contains("nothing to undo");
  }

  @Test
  void aRefusedFirstStepCreatedNothing(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create a", "NotOwned");
    RESOURCES.failNonRetryable("Delete a", "NotOwned");
    LabWorkflow lab = startAB(client, worker, "lab-refused-1");
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo("step 'a' (Create) refused: NotOwned: notowned on a; nothing was created");
    // The status says the step created nothing: not COMPENSATED, which would say it was undone.
    assertThat(lab.status().steps().get(0).state()).isEqualTo(StepState.REFUSED);
  }

  @Test
  void anUndoThatRefusesAStepWhichFailedOtherwiseIsStillAFailedRollback(
      WorkflowClient client, Worker worker) {
    // The step may have created its resource before failing; a refusing undo is a real problem.
    RESOURCES.failNonRetryable("Create b", "AccessDenied");
    RESOURCES.failNonRetryable("Delete b", "NotOwned");
    LabWorkflow lab = startAB(client, worker, "lab-refused-2");
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .startsWith("step 'b' (Create) failed: AccessDenied: accessdenied on b; rolled back: a;")
        .contains("could not roll back: b (Delete: NotOwned: notowned on b)");
    assertThat(lab.status().state()).isEqualTo(LabState.FAILED);
  }

  @Test
  void aRefusedStepWhoseUndoFailsOtherwiseIsAFailedRollback(
      WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create b", "NotOwned");
    RESOURCES.failNonRetryable("Delete a", "AccessDenied");
    RESOURCES.failNonRetryable("Delete b", "NotOwned");
    LabWorkflow lab = startAB(client, worker, "lab-refused-3");
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'b' (Create) refused: NotOwned: notowned on b; rolled back: none; nothing to"
                + " undo: b; could not roll back: a (Delete: AccessDenied: accessdenied on a)");
    assertThat(lab.status().state()).isEqualTo(LabState.FAILED);
  }

  /** Starts a lab of two steps, a then b. */
  private static LabWorkflow startAB(WorkflowClient client, Worker worker, String labId) {
    Definition d = definition("refusal").steps(create("a"), create("b")).build();
    return start(client, worker, labId, d, null);
  }
}
