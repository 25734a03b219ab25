package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.testing.Failures;
import io.labflow.workflows.testing.JsonText;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.RawValue;
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
    return fail(client, worker, id, raw(json));
  }

  /** JSON text as a payload, sent as is: the client's converter never parses it. */
  static RawValue raw(String json) {
    return JsonText.of(json);
  }

  static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static ApplicationFailure fail(
      WorkflowClient client, Worker worker, String id, RawValue input) throws Exception {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            LabWorkflow.TYPE,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
    stub.start(input);
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
  void inputOfAnyDepthOrSizeFailsTheRunWithASentence(WorkflowClient client, Worker worker)
      throws Exception {
    assertThat(fail(client, worker, "lab-deep", nested(100_000)).getOriginalMessage())
        .isEqualTo("request: the lab request is nested more than 32 levels deep");
    assertThat(fail(client, worker, "lab-deep-field", "{\"definition\":\"d\",\"parameters\":{\"p\":"
            + nested(1001) + "}}").getOriginalMessage())
        .isEqualTo("request: the lab request is nested more than 32 levels deep");
    String huge = "{\"definition\":\"d\",\"definitionYaml\":\"" + "x".repeat(300 * 1024) + "\"}";
    assertThat(fail(client, worker, "lab-huge", huge).getOriginalMessage())
        .isEqualTo("request: the lab request is 300 KiB; at most 256 KiB are allowed");
    assertThat(fail(client, worker, "lab-broken", "{\"definition\":").getOriginalMessage())
        .startsWith("request: the lab request is not valid JSON: ");
    assertThat(LabTestEnv.RESOURCES.log()).isEmpty();
  }

  @Test
  void nullsAndBothDefinitionsAreRefusedNotTakenAsAbsent(WorkflowClient client, Worker worker)
      throws Exception {
    assertThat(fail(client, worker, "lab-null-variant", "{\"definition\":\"d\",\"variant\":null}").getOriginalMessage())
        .isEqualTo("request: variant: null is not a value; leave variant out to take the definition's default variant");
    assertThat(fail(client, worker, "lab-null-params", "{\"definition\":\"d\",\"parameters\":null}").getOriginalMessage())
        .isEqualTo("request: parameters: null is not a value; leave parameters out for none");
    assertThat(fail(client, worker, "lab-null-failure", "{\"definition\":\"d\",\"onFailure\":null}").getOriginalMessage())
        .isEqualTo("request: onFailure: null is not a value; leave onFailure out to keep the definition's choice");
    assertThat(fail(client, worker, "lab-null-value", "{\"definition\":\"d\",\"parameters\":{\"p\":null}}").getOriginalMessage())
        .isEqualTo("request: parameters.p: null is not a value; leave the parameter out to take its default");
    assertThat(fail(client, worker, "lab-both", "{\"definition\":\"d\",\"definitionYaml\":\"name: d\"}").getOriginalMessage())
        .isEqualTo("request: definitionYaml: give either definition (a definition's name) or definitionYaml (a whole definition), not both");
    assertThat(LabTestEnv.RESOURCES.log()).isEmpty();
  }

  @Test
  void deepUpdateAndSignalArgumentsAndATeardownWithAnInputAreRefused(
      WorkflowClient client, Worker worker) {
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-deep-args", LabWorkflowLiveTest.liveLab(java.time.Duration.ofDays(1)), "read-only");
    LabTestEnv.awaitState(lab, LabState.LIVE);
    assertThat(Failures.rootApplicationFailure(catchThrowable(() -> lab.switchVariant(raw(nested(400))))).getOriginalMessage())
        .isEqualTo("the variant is nested more than 32 levels deep");
    for (RawValue input : List.of(raw("\"now\""), raw("\"x\""), raw(nested(400)))) {
      ApplicationFailure refused = Failures.rootApplicationFailure(catchThrowable(() -> lab.teardown(input)));
      assertThat(refused.getOriginalMessage()).startsWith("teardown takes no input, got ").endsWith("; send it with no input");
    }
    assertThat(Failures.rootApplicationFailure(catchThrowable(() -> lab.teardown(raw("\"now\"")))).getOriginalMessage())
        .isEqualTo("teardown takes no input, got a string 'now'; send it with no input");
    lab.decide(raw(nested(400)));
    LabStatus noted = LabTestEnv.awaitStatus(lab, s -> s.notice() != null);
    assertThat(noted.notice()).startsWith("signal decide ignored: the decision is nested more than 32 levels deep");
    assertThat(noted.state()).isEqualTo(LabState.LIVE);
    assertThat(client.fetchHistory("lab-deep-args").getEvents())
        .noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(lab.teardown(null).state()).isEqualTo(LabState.TORN_DOWN);
  }

  @Test
  void anUnknownQueryIsASentenceNamingTheKnownOnesNotAStackTrace(WorkflowClient client, Worker worker) {
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-query", LabWorkflowLiveTest.liveLab(java.time.Duration.ofDays(1)), "read-only");
    LabTestEnv.awaitState(lab, LabState.LIVE);
    WorkflowStub stub = WorkflowStub.fromTyped(lab);
    Throwable unknown = catchThrowable(() -> stub.query("stauts", Object.class));
    Throwable root = unknown;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertThat(root.getMessage())
        .contains("unknown query 'stauts'; lab queries: status")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    // The Web UI's own queries still answer.
    assertThat(stub.query("__stack_trace", String.class)).isNotEmpty();
    lab.teardown(null);
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
    lab.teardown(null);
  }
}
