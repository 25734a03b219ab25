package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Raw workflow input: any JSON fails the run (not its workflow task) before any activity. */
@Timeout(60)
@Tag("fast")
class LabWorkflowInputTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  private static ApplicationFailure fail(WorkflowClient client, Worker worker, String id, String json)
      throws Exception {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            LabWorkflow.TYPE,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
    stub.start(new ObjectMapper().readTree(json));
    try {
      stub.getResult(Object.class);
    } catch (WorkflowFailedException e) {
      List<HistoryEvent> events = client.fetchHistory(id).getEvents();
      assertThat(events)
          .noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
          .noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
              && ev.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity"));
      return (ApplicationFailure) e.getCause();
    }
    throw new AssertionError(id + " completed");
  }

  @Test
  void malformedInputFailsTheRunWithTheFieldNamed(WorkflowClient client, Worker worker) throws Exception {
    ApplicationFailure typo = fail(client, worker, "lab-typo", "{\"definition\":\"d\",\"labID\":\"lab-typo\"}");
    assertThat(typo.getType()).isEqualTo("InvalidRequest");
    assertThat(typo.isNonRetryable()).isTrue();
    assertThat(typo.getOriginalMessage()).isEqualTo("request: labID: unknown field 'labID'; did you mean 'labId'?");
    assertThat(fail(client, worker, "lab-list", "[1]").getOriginalMessage()).endsWith("got a list");
    assertThat(fail(client, worker, "lab-claim", "{\"definition\":\"d\",\"labId\":\"other\"}").getOriginalMessage())
        .contains("labId 'other' differs from the workflow id 'lab-claim'");
    assertThat(LabTestEnv.RESOURCES.log()).isEmpty();
  }

  @Test
  void wrongUpdateArgumentsAreRejectedByTheValidators(WorkflowClient client, Worker worker) {
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-args", LabWorkflowLiveTest.liveLab(java.time.Duration.ofDays(1)), "read-only");
    LabTestEnv.awaitState(lab, LabState.LIVE);
    WorkflowStub stub = WorkflowStub.fromTyped(lab);
    for (Object bad : List.of(List.of("read-write"), 7)) {
      try {
        stub.update("switchVariant", LabStatus.class, bad);
        throw new AssertionError("accepted " + bad);
      } catch (RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null) {
          t = t.getCause();
        }
        assertThat(t.getMessage()).contains("the variant must be a string");
      }
    }
    stub.signal("decide", "nonsense");
    assertThat(lab.status().state()).isEqualTo(LabState.LIVE);
    assertThat(client.fetchHistory("lab-args").getEvents())
        .noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    lab.teardown();
  }
}
