package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.parallel;
import static io.labflow.workflows.interpreter.Defs.use;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.labFailure;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.model.Definition;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Parallel groups: branches overlap, a failing branch cancels its siblings, rollback covers all. */
@Timeout(90)
@Tag("fast")
class LabWorkflowParallelTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  @Test
  void branchesRunAtTheSameTime(WorkflowClient client, Worker worker) {
    // Each branch waits at a latch for the other: both reach "Met" only if they overlap in time.
    CountDownLatch both = new CountDownLatch(2);
    RESOURCES.meet("Create p1", both);
    RESOURCES.meet("Create p2", both);
    Definition d =
        definition("overlap")
            .steps(
                create("a"),
                parallel("group", create("p1"), create("p2")),
                use("c").input("note", "${steps.p1.id}+${steps.p2.id}"))
            .build();

    LabResult result =
        WorkflowStub.fromTyped(start(client, worker, "lab-overlap", d, null))
            .getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.COMPLETED);
    List<String> log = RESOURCES.log();
    assertThat(log).contains("Met p1", "Met p2");
    assertThat(log.subList(1, 3)).containsExactlyInAnyOrder("Create p1", "Create p2");
    assertThat(log.get(0)).isEqualTo("Create a");
    assertThat(log.get(log.size() - 1)).isEqualTo("Use c");
    assertThat(RESOURCES.input("Use c").note()).isEqualTo("id-p1+id-p2");
    assertThat(result.steps()).extracting(StepStatus::id).containsExactly("a", "p1", "p2", "c");
  }

  @Test
  void failingBranchCancelsItsSiblingAndEverythingRollsBack(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create p2");
    // p1 fails once p2 runs: a sibling the worker had not yet polled would be cancelled unstarted.
    RESOURCES.failNonRetryableAfter("Create p1", "AccessDenied", "Create p2");
    Definition d =
        definition("branchfail")
            .steps(
                create("a"),
                parallel(
                    "group",
                    create("p1"),
                    create("p2").heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5))),
                create("c"))
            .build();

    LabWorkflow lab = start(client, worker, "lab-branchfail", d, null);
    ApplicationFailure failure = labFailure(lab);

    List<String> log = RESOURCES.log();
    assertThat(log).contains("Cancelled p2").doesNotContain("Create c", "Gave up p2");
    // Nothing is undone before the cancelled sibling has stopped.
    int cancelled = log.indexOf("Cancelled p2");
    assertThat(log.subList(cancelled + 1, log.size()))
        .containsExactly("Delete p2", "Delete p1", "Delete a");
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "step 'p1' (Create) failed: AccessDenied: accessdenied on p1;"
                + " rolled back: p2, p1, a; could not roll back: none");
    LabStatus status = lab.status();
    assertThat(status.steps()).extracting(StepStatus::state)
        .containsExactly(
            StepState.COMPENSATED, StepState.COMPENSATED, StepState.COMPENSATED, StepState.PENDING);
    assertThat(status.steps().get(2).lastError()).isEqualTo("cancelled: branch 'p1' failed");
  }
}
