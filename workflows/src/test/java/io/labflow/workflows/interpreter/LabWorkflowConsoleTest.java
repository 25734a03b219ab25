package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOLVER;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the Web UI shows of a lab: activity and timer summaries, the current details, query and
 * update descriptions, rejections without stack traces, a run's own failure handling.
 */
@Timeout(90)
@Tag("fast")
class LabWorkflowConsoleTest {

  // Workers and clients use the lab's data converter (see RejectionFailureConverter).
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      LabTestEnv.extension(RejectionFailureConverter.dataConverter());

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  static Definition liveLab() {
    return definition("console")
        .variant("read-only", map("actions", "s3:GetObject"))
        .variant("read-write", map("actions", "s3:GetObject,s3:PutObject"))
        .keepAlive(Duration.ofHours(24))
        .steps(create("role").input("name", "labflow-${lab.labId}-role"), create("policy"))
        .onVariantChange(create("policy-version"))
        .build();
  }

  static String text(Payload p) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
  }

  static List<String> summaries(WorkflowClient client, String id, EventType type) {
    return client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == type)
        .map(HistoryEvent::getUserMetadata)
        .map(m -> text(m.getSummary()))
        .toList();
  }

  @Test
  void activityAndTimerSummariesCurrentDetailsAndDescriptionsReachTheUi(
      WorkflowClient client, Worker worker) {
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-042", liveLab(), "read-only");
    awaitState(lab, LabState.LIVE);

    assertThat(summaries(client, "lab-042", EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .containsExactly("role: labflow-lab-042-role", "policy: policy");
    assertThat(summaries(client, "lab-042", EventType.EVENT_TYPE_TIMER_STARTED))
        .singleElement()
        .asString()
        .matches("live until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ, then teardown;"
            + " warns at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ");

    WorkflowMetadata meta =
        WorkflowStub.fromTyped(lab).query("__temporal_workflow_metadata", WorkflowMetadata.class);
    String details = meta.getCurrentDetails();
    assertThat(details)
        .startsWith("lab **lab-042** · **console** · variant **read-only** · **LIVE** until ")
        .contains("- role (Create): **DONE**", "- policy (Create): **DONE**")
        .contains("Update **switchVariant**, input `\"read-write\"`", "Update **teardown**");
    assertThat(lab.status().switchTo()).containsExactly("read-write");
    Map<String, String> descriptions = new java.util.HashMap<>();
    meta.getDefinition().getQueryDefinitionsList().forEach(q -> descriptions.put(q.getName(), q.getDescription()));
    meta.getDefinition().getUpdateDefinitionsList().forEach(u -> descriptions.put(u.getName(), u.getDescription()));
    meta.getDefinition().getSignalDefinitionsList().forEach(s -> descriptions.put(s.getName(), s.getDescription()));
    assertThat(descriptions).containsKeys("status", "resume", "switchVariant", "teardown", "decide");
    assertThat(descriptions.get("resume")).contains("\"RETRY\"");
    assertThat(descriptions.get("decide")).contains("Prefer the Update resume");

    LabStatus down = lab.teardown(null);
    assertThat(down.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(summaries(client, "lab-042", EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .containsExactly(
            "role: labflow-lab-042-role", "policy: policy", "undo policy: policy", "undo role: role");
  }

  /** Before, a lab with variants but no steps on a change (the challenge) was told to switch. */
  @Test
  void aLabThatRunsNothingOnAVariantChangeIsNotToldToSwitch(WorkflowClient client, Worker worker) {
    Definition def = definition("no-switch")
        .variant("read-only", map("actions", "s3:GetObject"))
        .variant("read-write", map("actions", "s3:GetObject,s3:PutObject"))
        .keepAlive(Duration.ofHours(24)).steps(create("role")).build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-no-switch", def, "read-only");

    assertThat(awaitState(lab, LabState.LIVE).switchTo()).isEmpty();
    assertThat(WorkflowStub.fromTyped(lab).query("__temporal_workflow_metadata",
            WorkflowMetadata.class).getCurrentDetails())
        .contains("**Next:** tear down with the Update **teardown** (no input).")
        .doesNotContain("switchVariant");
  }

  @Test
  void rejectedUpdatesAreOneSentenceWithATypeAndNoStackTrace(WorkflowClient client, Worker worker) {
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-reject", liveLab(), "read-only");
    awaitState(lab, LabState.LIVE);

    assertThatThrownBy(() -> lab.switchVariant(RawJson.of("read-only")))
        .isInstanceOf(WorkflowUpdateException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("InvalidArgument");
              assertThat(f.getOriginalMessage()).isEqualTo("lab lab-reject already runs variant read-only");
              assertThat(f.getStackTrace()).noneMatch(LabWorkflowConsoleTest::workerFrame);
            });
    assertThatThrownBy(() -> lab.resume(RawJson.of(Decision.RETRY)))
        .isInstanceOf(WorkflowUpdateException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("NotPaused");
              assertThat(f.getOriginalMessage()).isEqualTo("lab lab-reject is not paused (LIVE)");
              assertThat(f.getStackTrace()).noneMatch(LabWorkflowConsoleTest::workerFrame);
            });

    // A signal cannot be refused: the status records that it did not apply.
    WorkflowStub.fromTyped(lab).signal("decide", Decision.RETRY);
    LabStatus noted = awaitStatus(lab, s -> s.notice() != null);
    assertThat(noted.notice())
        .isEqualTo(
            "decision RETRY (signal decide) ignored: lab lab-reject is not paused (LIVE);"
                + " use the Update resume, which says so at once");
    assertThat(noted.state()).isEqualTo(LabState.LIVE);
    assertThat(
            WorkflowStub.fromTyped(lab)
                .query("__temporal_workflow_metadata", WorkflowMetadata.class)
                .getCurrentDetails())
        .contains("**Notice:** decision RETRY (signal decide) ignored");
    lab.teardown(null);
  }

  @Test
  void aRejectedInputShowsOneSentenceWithoutStackTraceAndKeepsItsLabId(
      WorkflowClient client, Worker worker) throws Exception {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            LabWorkflow.TYPE,
            WorkflowOptions.newBuilder().setWorkflowId("lab-typo")
                .setTaskQueue(worker.getTaskQueue()).build());
    stub.start(new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree("{\"definition\":\"console\",\"labID\":\"lab-typo\"}"));
    assertThatThrownBy(() -> stub.getResult(Object.class))
        .isInstanceOf(io.temporal.client.WorkflowFailedException.class);

    // What the Web UI's Result panel shows: the failure as the history holds it.
    io.temporal.api.failure.v1.Failure shown =
        client.fetchHistory("lab-typo").getLastEvent()
            .getWorkflowExecutionFailedEventAttributes().getFailure();
    assertThat(shown.getMessage())
        .isEqualTo("request: labID: unknown field 'labID'; did you mean 'labId'?");
    assertThat(shown.getApplicationFailureInfo().getType()).isEqualTo("InvalidRequest");
    assertThat(shown.getStackTrace()).isEmpty();
    assertThat(shown.hasCause()).isFalse();
    assertThat(stub.describe().getTypedSearchAttributes()
            .get(io.labflow.workflows.lab.LabSearchAttributes.LAB_ID))
        .isEqualTo("lab-typo");
    assertThat(stub.describe().getTypedSearchAttributes()
            .get(io.labflow.workflows.lab.LabSearchAttributes.STATE))
        .isEqualTo("FAILED");
    assertThat(stub.query("__temporal_workflow_metadata", WorkflowMetadata.class).getCurrentDetails())
        .startsWith("lab **lab-typo** · **FAILED**")
        .contains("**Last error:** request: labID: unknown field 'labID'");
  }

  @Test
  void aLabRefusedBeforeItResolvedKeepsTheDefinitionAndVariantItsStartNamed(
      WorkflowClient client, Worker worker) {
    // As `labflow run FILE` starts one: the definition inline, its name and default variant as
    // search attributes; refused here as a preflight refuses one (nothing created).
    WorkflowStub stub = client.newUntypedWorkflowStub(LabWorkflow.TYPE,
        WorkflowOptions.newBuilder().setWorkflowId("lab-refused").setTaskQueue(worker.getTaskQueue())
            .setTypedSearchAttributes(SearchAttributes.newBuilder()
                .set(LabSearchAttributes.DEFINITION, "inline")
                .set(LabSearchAttributes.VARIANT, "read-only").build())
            .build());
    stub.start(RawJson.of(new LabRequest(null, null, "lab-refused", null, "name: inline\n")));
    assertThatThrownBy(() -> stub.getResult(Object.class))
        .isInstanceOf(io.temporal.client.WorkflowFailedException.class);

    SearchAttributes kept = stub.describe().getTypedSearchAttributes();
    assertThat(kept.get(LabSearchAttributes.STATE)).isEqualTo("FAILED");
    assertThat(kept.get(LabSearchAttributes.DEFINITION)).isEqualTo("inline");
    assertThat(kept.get(LabSearchAttributes.VARIANT)).isEqualTo("read-only");
    LabStatus status = stub.query("status", LabStatus.class);
    assertThat(status.definition()).isEqualTo("inline");
    assertThat(status.variant()).isEqualTo("read-only");
  }

  /** A frame of the worker's side: a failure whose stack trace was sent along shows them. */
  static boolean workerFrame(StackTraceElement e) {
    return e.getClassName().startsWith("io.labflow.workflows.interpreter.LabWorkflowImpl")
        || e.getClassName().startsWith("io.temporal.internal.sync");
  }

  @Test
  void aRejectionIsSentWithoutAStackTrace() {
    io.temporal.api.failure.v1.Failure sent =
        RejectionFailureConverter.dataConverter()
            .exceptionToFailure(Failures.reject("NotPaused", "lab x is not paused (LIVE)"));
    assertThat(sent.getStackTrace()).isEmpty();
    assertThat(sent.getMessage()).isEqualTo("lab x is not paused (LIVE)");
    assertThat(sent.getApplicationFailureInfo().getType()).isEqualTo("NotPaused");
  }

  /** A reset's failure, as the Web UI shows it: sentences down the chain; a bug keeps its trace. */
  @Test
  void everyOwnFailureInAChainIsSentWithoutAStackTraceAndABugKeepsIt() {
    ApplicationFailure aws = ApplicationFailure.newFailure("Ec2 DeleteVpc failed", "DependencyViolation");
    io.temporal.api.failure.v1.Failure sent = RejectionFailureConverter.dataConverter()
        .exceptionToFailure(ApplicationFailure.newNonRetryableFailureWithCause(
            "sweep of lab x stopped", "ResetIncomplete", aws));
    assertThat(aws.getStackTrace()).isNotEmpty();
    assertThat(sent.getStackTrace()).isEmpty();
    assertThat(sent.getCause().getMessage()).isEqualTo("Ec2 DeleteVpc failed");
    assertThat(sent.getCause().getStackTrace()).isEmpty();

    io.temporal.api.failure.v1.Failure bug = RejectionFailureConverter.dataConverter()
        .exceptionToFailure(new IllegalStateException("a bug"));
    assertThat(bug.getApplicationFailureInfo().getType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(bug.getStackTrace()).contains("LabWorkflowConsoleTest");
  }

  @Test
  void statusShowsPolicyDocumentsAsJsonObjects() {
    Map<String, Object> shown =
        StepLedger.shown(
            Map.of("document", "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
                "policyArn", "arn:aws:iam::1:policy/p"));
    assertThat(shown.get("document"))
        .isEqualTo(Map.of("Version", "2012-10-17", "Statement", List.of()));
    assertThat(shown.get("policyArn")).isEqualTo("arn:aws:iam::1:policy/p");
  }

  @Test
  void aRunMayPauseOnFailureWhereTheDefinitionRollsBack(WorkflowClient client, Worker worker) {
    Definition def = liveLab(); // defaults: onFailure rollback
    RESOLVER.register(def);
    RESOURCES.failRetryable("Create policy", "Throttling", 3);
    LabWorkflow lab =
        client.newWorkflowStub(
            LabWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("lab-run-pause")
                .setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(
        lab::run,
        RawJson.of(new LabRequest("console", "read-only", "lab-run-pause", Map.of(), null, OnFailure.PAUSE)));

    LabStatus paused = awaitState(lab, LabState.PAUSED);
    assertThat(paused.pausedStep()).isEqualTo("policy");
    String timer = summaries(client, "lab-run-pause", EventType.EVENT_TYPE_TIMER_STARTED).get(0);
    assertThat(timer).matches("paused at policy until \\S+Z, then rollback");
    String details =
        WorkflowStub.fromTyped(lab)
            .query("__temporal_workflow_metadata", WorkflowMetadata.class)
            .getCurrentDetails();
    // The details say when the pause ends, as the timer does.
    String until = timer.replaceAll("paused at policy until (\\S+Z), then rollback", "$1");
    assertThat(details).contains("**PAUSED** until " + until,
        "Update **resume** with input `\"RETRY\"`", "Without a decision by " + until
            + " the lab rolls back.");

    LabStatus resumed = lab.resume(RawJson.of(Decision.RETRY));
    assertThat(resumed.state()).isIn(LabState.PROVISIONING, LabState.LIVE);
    awaitState(lab, LabState.LIVE);
    // The pause's timer is cancelled once decided: the UI shows no pending wait that is over.
    assertThat(client.fetchHistory("lab-run-pause").getEvents())
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED)
        .hasSize(1);
    lab.teardown(null);
  }
}
