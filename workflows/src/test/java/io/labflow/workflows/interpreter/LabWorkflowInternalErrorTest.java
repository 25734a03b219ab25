package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.Defs.parallel;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static io.labflow.workflows.interpreter.LabTestEnv.stateAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.model.Definition;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
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

/**
 * Unexpected errors in the interpreter (here: an action whose result is not an object): the lab
 * still ends in a final state that visibility shows, and a parallel group stops its siblings.
 */
@Timeout(90)
@Tag("fast")
class LabWorkflowInternalErrorTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  /** A step whose result the interpreter cannot read: an error in workflow code, not a failure. */
  private static Defs.StepBuilder tags(String id) {
    return new Defs.StepBuilder(id, "Tags").with(map("labId", "${lab.labId}", "name", id));
  }

  @Test
  void failedRollbackAfterAnInternalErrorShowsFailedInVisibility(
      WorkflowClient client, Worker worker) {
    Definition d =
        definition("undofails")
            .steps(create("a").compensate("Tags", map("labId", "${lab.labId}", "name", "a")), tags("b"))
            .build();

    LabWorkflow lab = start(client, worker, "lab-undofails", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .startsWith("internal error: DataConverterException: ")
        .contains("; rollback failed too: ");
    assertThat(RESOURCES.log()).containsExactly("Create a", "Tags b", "Tags a");
    assertThat(lab.status().state()).isEqualTo(LabState.FAILED);
    assertThat(stateAttribute(lab)).isEqualTo(LabState.FAILED.name());
    assertThat(
            WorkflowStub.fromTyped(lab)
                .query("__temporal_workflow_metadata", WorkflowMetadata.class)
                .getCurrentDetails())
        .contains("· **FAILED**")
        .doesNotContain("ROLLING_BACK");
  }

  @Test
  void branchThatThrowsCancelsItsSiblingAndTheLabRollsBack(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create p2");
    Definition d =
        definition("branchthrows")
            .steps(
                create("a"),
                parallel(
                    "group",
                    tags("p1").compensate("Delete", map("labId", "${lab.labId}", "name", "p1")),
                    create("p2").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5))),
                create("c"))
            .build();

    LabWorkflow lab = start(client, worker, "lab-branchthrows", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .startsWith("internal error: IllegalStateException: branch 'p1' threw DataConverterException: ")
        .endsWith("; rolled back: p2, p1, a; could not roll back: none");
    List<String> log = RESOURCES.log();
    assertThat(log).contains("Cancelled p2").doesNotContain("Create c", "Abandoned p2", "Gave up p2");
    int cancelled = log.indexOf("Cancelled p2");
    assertThat(log.subList(cancelled + 1, log.size()))
        .containsExactly("Delete p2", "Delete p1", "Delete a");
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(stateAttribute(lab)).isEqualTo(LabState.ROLLED_BACK.name());
    assertThat(status.steps()).extracting(StepStatus::lastError)
        .element(2).isEqualTo("cancelled: branch 'p1' failed");
    WorkflowExecutionHistory history = client.fetchHistory("lab-branchthrows");
    assertThat(history.getEvents()).extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(history.toJson(false)).doesNotContain("NullPointerException");
  }

  /**
   * An undo that throws during a teardown Update is a bug like any other: the Update fails with the
   * rollback's sentence and the rest is undone, instead of the workflow task failing over and over.
   */
  @Test
  @Timeout(30)
  void undoThatThrowsDuringATeardownRollsTheRestBackAndFailsTheUpdate(
      WorkflowClient client, Worker worker) {
    Definition d =
        definition("teardownthrows")
            .keepAlive(Duration.ofDays(1))
            .steps(
                create("a"),
                create("b").compensate("Tags", map("labId", "${lab.labId}", "name", "b")))
            .build();
    LabWorkflow lab = start(client, worker, "lab-teardownthrows", d, null);
    awaitState(lab, LabState.LIVE);

    assertThatThrownBy(() -> lab.teardown(null))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("message='internal error: DataConverterException: ")
        .hasMessageContaining("type='LabFailed'");
    assertThat(labFailure(lab).getOriginalMessage())
        .startsWith("internal error: DataConverterException: ")
        .endsWith("; rolled back: a; could not roll back: none");
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Tags b", "Delete a");
    assertThat(stateAttribute(lab)).isEqualTo(LabState.ROLLED_BACK.name());
    assertThat(client.fetchHistory("lab-teardownthrows").getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  }
}
