package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A successful run of N sequential steps stays within 6N+12 history events. */
@Timeout(90)
@Tag("fast")
class LabWorkflowHistoryTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {7, 20})
  void successfulRunStaysWithinTheBound(int n, WorkflowClient client, Worker worker) {
    LabWorkflow lab =
        start(client, worker, "lab-history-" + n, definition("h" + n).steps(Defs.creates(n)).build(), null);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.COMPLETED);

    int events = client.fetchHistory("lab-history-" + n).getEvents().size();
    System.out.printf("history of a successful run of %d steps: %d events (bound %d)%n", n, events, 6 * n + 12);
    assertThat(events).isLessThanOrEqualTo(6 * n + 12);
    // ... with the Web UI's metadata on board: a summary on every activity (and current details,
    // which live outside history), at no extra event.
    assertThat(client.fetchHistory("lab-history-" + n).getEvents())
        .filteredOn(e -> e.getEventType()
            == io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .hasSize(n)
        .allSatisfy(e -> assertThat(LabWorkflowConsoleTest.text(e.getUserMetadata().getSummary()))
            .matches("s\\d+: s\\d+"));
  }
}
