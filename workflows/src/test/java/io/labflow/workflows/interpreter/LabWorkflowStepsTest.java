package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.Defs.use;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static io.labflow.workflows.interpreter.LabTestEnv.stateAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.RetrySpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sequential steps: outputs, rollback at every step, retries, timeouts, failing compensations. */
@Timeout(90)
@Tag("fast")
class LabWorkflowStepsTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  private static final int N = 5;

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  @Test
  void outputsFlowBetweenStepsAsWholeValuesAndInStrings(WorkflowClient client, Worker worker) {
    Definition d =
        definition("flow")
            .parameter("owner", "nobody")
            .variant("read-only", map("level", "read"))
            .steps(
                create("a"),
                create("b"),
                use("c")
                    .input("value", "${steps.a.tags}")
                    .input(
                        "note",
                        "made from ${steps.a.id} by ${params.owner} in ${lab.labId}"
                            + " (${lab.definition}/${lab.variant}, ${variant.level}) $${literal}")
                    .input("id", "${steps.b.id}"))
            .build();

    LabWorkflow lab = start(client, worker, "lab-flow", d, null, Map.of("owner", "ana"));
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Use c");
    var input = RESOURCES.input("Use c");
    assertThat(input.value()).isEqualTo(List.of("a", "x"));
    assertThat(input.note())
        .isEqualTo("made from id-a by ana in lab-flow (flow/read-only, read) ${literal}");
    assertThat(input.id()).isEqualTo("id-b");
    assertThat(input.labId()).isEqualTo("lab-flow");
    assertThat(result.steps()).extracting(StepStatus::state).containsOnly(StepState.DONE);
    assertThat(result.steps().get(0).outputs()).containsEntry("id", "id-a");
    assertThat(stateAttribute(lab)).isEqualTo("COMPLETED");
    assertThat(LabTestEnv.attribute(lab, LabSearchAttributes.LAB_ID)).isEqualTo("lab-flow");
    assertThat(LabTestEnv.attribute(lab, LabSearchAttributes.DEFINITION)).isEqualTo("flow");
    assertThat(LabTestEnv.attribute(lab, LabSearchAttributes.VARIANT)).isEqualTo("read-only");
  }

  @ParameterizedTest(name = "failure at step {0} of " + N)
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void failureAtStepKRollsBackStepsKToOneInReverse(int k, WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create s" + k, "AccessDenied");
    Definition d = definition("saga").steps(Defs.creates(N)).build();

    LabWorkflow lab = start(client, worker, "lab-saga-" + k, d, null);
    ApplicationFailure failure = labFailure(lab);

    List<String> expected = new ArrayList<>();
    IntStream.rangeClosed(1, k).forEach(i -> expected.add("Create s" + i));
    IntStream.iterate(k, i -> i >= 1, i -> i - 1).forEach(i -> expected.add("Delete s" + i));
    assertThat(RESOURCES.log()).containsExactlyElementsOf(expected);

    String rolledBack =
        String.join(
            ", ", IntStream.iterate(k, i -> i >= 1, i -> i - 1).mapToObj(i -> "s" + i).toList());
    assertThat(failure.getType()).isEqualTo("LabFailed");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 's%d' (Create) failed: AccessDenied: accessdenied on s%d; rolled back: %s;"
                + " could not roll back: none",
            k, k, rolledBack);
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
    for (int i = 1; i <= N; i++) {
      assertThat(status.steps().get(i - 1).state())
          .isEqualTo(i <= k ? StepState.COMPENSATED : StepState.PENDING);
    }
  }

  @Test
  void flakyStepSucceedsOnItsThirdAttempt(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 2);
    Definition d = definition("flaky").steps(create("a"), create("b").maxAttempts(5)).build();

    LabResult result = WorkflowStub.fromTyped(start(client, worker, "lab-flaky", d, null))
        .getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    assertThat(RESOURCES.calls("Create b")).isEqualTo(3);
    assertThat(result.steps().get(1).outputs()).containsEntry("attempt", 3);
    // Status shows the attempt Temporal ran the step as; the carrier key is not an output.
    assertThat(result.steps().get(1).attempt()).isEqualTo(3);
    assertThat(result.steps().get(0).attempt()).isEqualTo(1);
    assertThat(result.steps().get(1).outputs()).doesNotContainKey(LabWorkflow.ATTEMPT_KEY);
  }

  @Test
  void failureTypeListedAsNonRetryableStopsAtOnce(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "ValidationError", Integer.MAX_VALUE);
    Definition d =
        definition("nonretryable")
            .steps(
                create("a"),
                create("b")
                    .retry(new RetrySpec(null, null, null, 5, List.of("ValidationError"))))
            .build();

    LabWorkflow lab = start(client, worker, "lab-nonretryable", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.calls("Create b")).isEqualTo(1);
    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete b", "Delete a");
    assertThat(failure.getOriginalMessage()).startsWith("step 'b' (Create) failed: ValidationError:");
    assertThat(lab.status().steps().get(1).attempt()).isEqualTo(1);
  }

  @Test
  void exhaustedRetriesReportTheAttemptCount(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create a", "Throttling", Integer.MAX_VALUE);
    Definition d =
        definition("exhausted").steps(create("a").noCompensation().maxAttempts(3)).build();

    LabWorkflow lab = start(client, worker, "lab-exhausted", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.calls("Create a")).isEqualTo(3);
    StepStatus a = lab.status().steps().get(0);
    assertThat(a.state()).isEqualTo(StepState.FAILED);
    assertThat(a.attempt()).isEqualTo(3);
    assertThat(a.lastError()).isEqualTo("Throttling: throttling on a");
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'a' (Create) failed: Throttling: throttling on a; rolled back: none;"
                + " could not roll back: none");
  }

  @Test
  void startToCloseTimeoutRollsBackTheTimedOutStepToo(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create b");
    Definition d =
        definition("timeout")
            .steps(create("a"), create("b").timeout(Duration.ofSeconds(1)).heartbeat(Duration.ofSeconds(5)).maxAttempts(1), create("c"))
            .build();

    LabWorkflow lab = start(client, worker, "lab-timeout", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .startsWith("step 'b' (Create) failed: timed out (start-to-close)")
        .endsWith("; rolled back: b, a; could not roll back: none");
    assertThat(RESOURCES.log()).contains("Delete b", "Delete a").doesNotContain("Create c");
    assertThat(RESOURCES.log().indexOf("Delete b")).isLessThan(RESOURCES.log().indexOf("Delete a"));
  }

  /**
   * An undo failing for a while (AWS throttling it, or not answering) is retried past the
   * defaults' 3 attempts until it is done, and the lab rolls back leaving nothing (before: its
   * third failure made it COMPENSATION_FAILED and the lab FAILED with the resource left in AWS).
   */
  @Test
  void anUndoFailingForAWhileIsRetriedUntilDone(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create s2", "AccessDenied");
    RESOURCES.failRetryable("Delete s1", "Throttling", 6);
    Definition d = definition("slowundo").steps(Defs.creates(2)).build();

    LabWorkflow lab = start(client, worker, "lab-slowundo", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.calls("Delete s1")).isEqualTo(7);
    assertThat(failure.getOriginalMessage()).isEqualTo("step 's2' (Create) failed: AccessDenied:"
        + " accessdenied on s2; rolled back: s2, s1; could not roll back: none");
    assertThat(lab.status().state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void failingCompensationDoesNotStopTheOthers(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create s3", "AccessDenied");
    RESOURCES.failNonRetryable("Delete s2", "DependencyViolation");
    Definition d = definition("badundo").steps(Defs.creates(3)).build();

    LabWorkflow lab = start(client, worker, "lab-badundo", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.log())
        .containsExactly(
            "Create s1", "Create s2", "Create s3", "Delete s3", "Delete s2", "Delete s1");
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 's3' (Create) failed: AccessDenied: accessdenied on s3; rolled back: s3, s1;"
                + " could not roll back: s2 (Delete: DependencyViolation: dependencyviolation on s2)");
    assertThat(stateAttribute(lab)).isEqualTo("FAILED");
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.FAILED);
    assertThat(status.steps().get(1).state()).isEqualTo(StepState.COMPENSATION_FAILED);
    assertThat(status.steps().get(1).lastError()).contains("DependencyViolation");
  }

  @Test
  void compensationNeedingOutputsOfAStepThatProducedNoneIsSkipped(
      WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create b", "AccessDenied");
    Definition d =
        definition("noundo")
            .steps(
                create("a"),
                create("b")
                    .compensate(
                        "Delete", map("labId", "${lab.labId}", "name", "b", "id", "${steps.b.id}")))
            .build();

    LabWorkflow lab = start(client, worker, "lab-noundo", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(RESOURCES.log()).containsExactly("Create a", "Create b", "Delete a");
    assertThat(failure.getOriginalMessage())
        .endsWith("; rolled back: a; nothing to undo: b; could not roll back: none");
    StepStatus b = lab.status().steps().get(1);
    assertThat(b.state()).isEqualTo(StepState.COMPENSATED);
    assertThat(b.lastError()).contains("nothing to undo");
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void compensationReadsTheStepsOwnOutputsWhenItCompleted(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create b", "AccessDenied");
    Definition d =
        definition("ownoutputs")
            .steps(
                create("a")
                    .compensate(
                        "Delete", map("labId", "${lab.labId}", "name", "a", "id", "${steps.a.id}")),
                create("b"))
            .build();

    labFailure(start(client, worker, "lab-ownoutputs", d, null));

    assertThat(RESOURCES.input("Delete a").id()).isEqualTo("id-a");
  }

  @Test
  void badReferenceInAStepInputIsAStepFailure(WorkflowClient client, Worker worker) {
    Definition d =
        definition("badref").steps(create("a"), use("b").input("note", "${steps.a.nope}")).build();

    LabWorkflow lab = start(client, worker, "lab-badref", d, null);
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .startsWith("step 'b' (Use) failed: InvalidInput: '${steps.a.nope}' has no value");
    assertThat(RESOURCES.log()).containsExactly("Create a", "Delete a");
  }

  @Test
  void unresolvableDefinitionFailsWithItsMessageAndCreatesNothing(
      WorkflowClient client, Worker worker) {
    LabWorkflow lab =
        client.newWorkflowStub(
            LabWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("lab-unknown")
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(lab::run, RawJson.of(new LabRequest("nowhere", null, "lab-unknown", null, null)));
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getType()).isEqualTo("InvalidDefinition");
    assertThat(failure.getOriginalMessage()).isEqualTo("nowhere.yaml:1:1: no such definition");
    assertThat(stateAttribute(lab)).isEqualTo("FAILED");
    assertThat(lab.status().lastError()).isEqualTo("nowhere.yaml:1:1: no such definition");
    assertThat(RESOURCES.log()).isEmpty();
  }
}
