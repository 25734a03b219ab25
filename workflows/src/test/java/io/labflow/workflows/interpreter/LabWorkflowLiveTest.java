package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static io.labflow.workflows.interpreter.LabTestEnv.stateAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.RetrySpec;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Live labs: variant switches, teardown on request and at the end of the keep-alive. */
@Timeout(90)
@Tag("fast")
class LabWorkflowLiveTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  /** A lab whose policy step reads the variant, and whose switch step writes a new version. */
  static Definition liveLab(Duration keepAlive) {
    return definition("live")
        .variant("read-only", map("actions", "s3:GetObject"))
        .variant("read-write", map("actions", "s3:GetObject,s3:PutObject"))
        .keepAlive(keepAlive)
        .steps(create("role"), create("policy").input("note", "${variant.actions}"))
        .onVariantChange(
            create("policy-version")
                .input("note", "${variant.actions} (was ${steps.policy.id})"))
        .build();
  }

  /** The calls of a lab that switched variant once and was then undone, newest first. */
  private static final List<String> SWITCHED_THEN_UNDONE =
      List.of(
          "Create role",
          "Create policy",
          "Create policy-version",
          "Delete policy-version",
          "Delete policy",
          "Delete role");

  @Test
  void switchVariantRunsOnVariantChangeWithTheNewValuesThenTeardownUndoesAll(
      WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-live", liveLab(Duration.ofDays(1)), "read-only");
    awaitState(lab, LabState.LIVE);
    assertThat(stateAttribute(lab)).isEqualTo("LIVE");
    assertThat(RESOURCES.input("Create policy").note()).isEqualTo("s3:GetObject");

    LabStatus switched = lab.switchVariant(RawJson.of("read-write"));

    assertThat(switched.state()).isEqualTo(LabState.LIVE);
    assertThat(switched.variant()).isEqualTo("read-write");
    assertThat(switched.steps().get(2).id()).isEqualTo("policy-version");
    assertThat(switched.steps().get(2).state()).isEqualTo(StepState.DONE);
    assertThat(RESOURCES.input("Create policy-version").note())
        .isEqualTo("s3:GetObject,s3:PutObject (was id-policy)");
    assertThat(LabTestEnv.attribute(lab, LabSearchAttributes.VARIANT)).isEqualTo("read-write");

    assertThatThrownBy(() -> lab.switchVariant(RawJson.of("read-write")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("already runs variant read-write");
    assertThatThrownBy(() -> lab.switchVariant(RawJson.of("admin")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("unknown variant 'admin'");

    LabStatus torn = lab.teardown(null);
    assertThat(torn.state()).isEqualTo(LabState.TORN_DOWN);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log())
        .containsExactlyElementsOf(SWITCHED_THEN_UNDONE);
    assertThat(stateAttribute(lab)).isEqualTo("TORN_DOWN");
    assertThatThrownBy(() -> lab.teardown(null)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void requestTeardownSentBeforeTheLabIsLiveSaysSoAndTearsItDownOnceLive(
      WorkflowClient client, Worker worker) {
    CountDownLatch provisioning = new CountDownLatch(2);
    RESOURCES.meet("Create policy", provisioning);
    LabTestEnv.RESOLVER.register(liveLab(Duration.ofDays(1)));
    // Recorded before any worker ran the lab (its first task holds the start and the signal).
    client.newUntypedWorkflowStub(LabWorkflow.TYPE, WorkflowOptions.newBuilder()
            .setWorkflowId("lab-recorded").setTaskQueue(worker.getTaskQueue()).build())
        .signalWithStart("requestTeardown", new Object[0],
            new Object[] {RawJson.of(new LabRequest("live", null, "lab-recorded", Map.of(), null))});
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class, "lab-recorded");

    // The waiting teardown shows in the status and the Web UI's details, not only once it runs.
    String waiting = "teardown (signal requestTeardown) waits until lab lab-recorded is live or"
        + " paused, then runs";
    assertThat(LabTestEnv.awaitStatus(lab, s -> s.steps().size() == 2
        && s.steps().get(1).state() == StepState.RUNNING).notice()).isEqualTo(waiting);
    assertThat(WorkflowStub.fromTyped(lab).query("__temporal_workflow_metadata",
        WorkflowMetadata.class).getCurrentDetails()).contains("**Notice:** " + waiting);
    provisioning.countDown();

    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(lab.status().notice()).isNull();
    assertThat(RESOURCES.log()).containsExactly(
        "Create role", "Create policy", "Met policy", "Delete policy", "Delete role");
  }

  @Test
  void requestTeardownOfALiveLabTearsItDownAndASecondIsOnlyNoted(WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-recorded-live", liveLab(Duration.ofDays(1)), null);
    awaitState(lab, LabState.LIVE);

    lab.requestTeardown();
    lab.requestTeardown();

    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log())
        .containsExactly("Create role", "Create policy", "Delete policy", "Delete role");
    assertThat(lab.status().notice())
        .isEqualTo("teardown (signal requestTeardown): lab lab-recorded-live is no longer live (TORN_DOWN)");
  }

  @Test
  void keepAliveExpiryTearsDown(WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-expiry", liveLab(Duration.ofHours(8)), null);

    // Waiting for the result lets the test server skip the eight hours.
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log())
        .containsExactly("Create role", "Create policy", "Delete policy", "Delete role");
  }

  @Test
  void failingSwitchStepRollsBackTheWholeLab(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create policy-version", "LimitExceeded");
    LabWorkflow lab = start(client, worker, "lab-badswitch", liveLab(Duration.ofDays(1)), null);
    awaitState(lab, LabState.LIVE);

    assertThatThrownBy(() -> lab.switchVariant(RawJson.of("read-write")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("step 'policy-version' (Create) failed: LimitExceeded");
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'policy-version' (Create) failed: LimitExceeded: limitexceeded on"
                + " policy-version; rolled back: policy-version, policy, role;"
                + " could not roll back: none");
    assertThat(RESOURCES.log())
        .containsExactlyElementsOf(SWITCHED_THEN_UNDONE);
    assertThat(stateAttribute(lab)).isEqualTo("ROLLED_BACK");
  }

  @Test
  void keepAliveThatRunsOutWhileASwitchIsPausedTearsTheLabDown(
      WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create policy-version", "LimitExceeded");
    Definition d =
        definition("live-pausing")
            .variant("read-only", map("actions", "s3:GetObject"))
            .variant("read-write", map("actions", "s3:PutObject"))
            .keepAlive(Duration.ofHours(1))
            .pauseTimeout(Duration.ofHours(24))
            .steps(create("role"))
            .onVariantChange(create("policy-version").onFailure(OnFailure.PAUSE))
            .build();
    LabWorkflow lab = start(client, worker, "lab-paused-expiry", d, null);
    awaitState(lab, LabState.LIVE);
    WorkflowStub.fromTyped(lab).startUpdate(
        "switchVariant", WorkflowUpdateStage.ACCEPTED, LabStatus.class, RawJson.of("read-write"));
    awaitState(lab, LabState.PAUSED);

    // Waiting for the result lets the test server skip to the end of the keep-alive.
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log()).containsExactly(
        "Create role", "Create policy-version", "Delete policy-version", "Delete role");
  }

  @Test
  void keepAliveThatRunsOutDuringASwitchRollsBackWhenTheSwitchStepFails(
      WorkflowClient client, Worker worker) {
    // The switch step fails, waits 90 minutes to retry (the keep-alive of 1h runs out), fails again.
    RESOURCES.failRetryable("Create policy-version", "Throttling", 2);
    Definition d =
        definition("live-switching")
            .variant("read-only", map("actions", "s3:GetObject"))
            .variant("read-write", map("actions", "s3:PutObject"))
            .keepAlive(Duration.ofHours(1))
            .pauseTimeout(Duration.ofHours(24))
            .steps(create("role"))
            .onVariantChange(create("policy-version").onFailure(OnFailure.PAUSE).retry(
                new RetrySpec(Duration.ofMinutes(90), 1.0, Duration.ofMinutes(90), 2, List.of())))
            .build();
    LabWorkflow lab = start(client, worker, "lab-switching-expiry", d, null);
    awaitState(lab, LabState.LIVE);
    WorkflowStub.fromTyped(lab).startUpdate(
        "switchVariant", WorkflowUpdateStage.ACCEPTED, LabStatus.class, RawJson.of("read-write"));

    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage()).isEqualTo("step 'policy-version' (Create) failed:"
        + " Throttling: throttling on policy-version; rolled back: policy-version, role;"
        + " could not roll back: none");
    assertThat(RESOURCES.log()).containsExactly("Create role", "Create policy-version",
        "Create policy-version", "Delete policy-version", "Delete role");
  }

  @Test
  void teardownIsRejectedWhileProvisioning(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create role");
    Definition d =
        definition("slow")
            .keepAlive(Duration.ofDays(1))
            .steps(create("role").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(3)).maxAttempts(1))
            .build();
    LabWorkflow lab = start(client, worker, "lab-slow", d, null);
    LabTestEnv.awaitStatus(lab, s -> s.state() == LabState.PROVISIONING);

    assertThatThrownBy(() -> lab.teardown(null))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("can be torn down only when live or paused (PROVISIONING)");
    labFailure(lab);
  }

  @Test
  void teardownWithAFailingCompensationUndoesTheRestAndFails(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Delete policy", "DeleteConflict");
    LabWorkflow lab = start(client, worker, "lab-badteardown", liveLab(Duration.ofDays(1)), null);
    awaitState(lab, LabState.LIVE);

    assertThatThrownBy(() -> lab.teardown(null))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("could not tear down: policy (Delete: DeleteConflict");
    ApplicationFailure failure = labFailure(lab);

    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "teardown of lab lab-badteardown incomplete; torn down: role;"
                + " could not tear down: policy (Delete: DeleteConflict: deleteconflict on policy)");
    assertThat(RESOURCES.log())
        .containsExactly("Create role", "Create policy", "Delete policy", "Delete role");
    assertThat(stateAttribute(lab)).isEqualTo("FAILED");
    assertThat(lab.status().steps().get(1).state()).isEqualTo(StepState.COMPENSATION_FAILED);
  }
}
