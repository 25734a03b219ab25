package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.Defs.parallel;
import static io.labflow.workflows.interpreter.Defs.use;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.model.OnFailure;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The runs whose histories are recorded into {@code src/test/resources/histories/} and replayed by
 * {@link LabWorkflowReplayTest}. Each returns the workflow id of the run, once it has closed.
 */
final class HistoryScenarios {

  private HistoryScenarios() {}

  /** Scenario name (also the JSON file name) to scenario. */
  static Map<String, BiFunction<WorkflowClient, Worker, String>> all() {
    Map<String, BiFunction<WorkflowClient, Worker, String>> m = new LinkedHashMap<>();
    m.put("success", HistoryScenarios::success);
    m.put("rollback", HistoryScenarios::rollback);
    m.put("pause-retry", HistoryScenarios::pauseRetry);
    m.put("switch-teardown", HistoryScenarios::switchTeardown);
    m.put("parallel-branch-fails", HistoryScenarios::parallelBranchFails);
    m.put("cancel-running", HistoryScenarios::cancelRunning);
    m.put("cancel-paused", HistoryScenarios::cancelPaused);
    m.put("pause-skip", HistoryScenarios::pauseSkip);
    m.put("rollback-throws", HistoryScenarios::rollbackThrows);
    m.put("branch-throws", HistoryScenarios::branchThrows);
    m.put("learner-tasks", HistoryScenarios::learnerTasks);
    return m;
  }

  static String success(WorkflowClient client, Worker worker) {
    var d =
        definition("success")
            .steps(
                create("a"),
                parallel("group", create("p1"), create("p2")),
                use("c").input("value", "${steps.a.tags}").input("note", "after ${steps.p1.id}"))
            .build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-success", d, null);
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return "lab-history-success";
  }

  static String rollback(WorkflowClient client, Worker worker) {
    RESOURCES.failNonRetryable("Create s3", "AccessDenied");
    var d = definition("rollback").steps(Defs.creates(4)).build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-rollback", d, null);
    awaitClosedWithFailure(lab);
    return "lab-history-rollback";
  }

  static String pauseRetry(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    var d =
        definition("pause-retry")
            .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE), create("c"))
            .build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-pause", d, null);
    LabTestEnv.awaitState(lab, LabState.PAUSED);
    lab.resume(RawJson.of(Decision.RETRY));
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return "lab-history-pause";
  }

  static String switchTeardown(WorkflowClient client, Worker worker) {
    LabWorkflow lab =
        LabTestEnv.start(
            client,
            worker,
            "lab-history-switch",
            LabWorkflowLiveTest.liveLab(Duration.ofDays(1)),
            "read-only");
    LabTestEnv.awaitState(lab, LabState.LIVE);
    lab.switchVariant(RawJson.of("read-write"));
    lab.teardown(null);
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return "lab-history-switch";
  }

  /** A group whose first branch fails while its sibling runs: the sibling is cancelled. */
  static String parallelBranchFails(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create p2");
    RESOURCES.failNonRetryable("Create p1", "AccessDenied");
    var d =
        definition("branchfail")
            .steps(create("a"), parallel("group", create("p1"), hanging("p2")), create("c"))
            .build();
    awaitClosedWithFailure(LabTestEnv.start(client, worker, "lab-history-branchfail", d, null));
    return "lab-history-branchfail";
  }

  static String cancelRunning(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create b");
    var d = definition("cancel").steps(create("a"), hanging("b"), create("c")).build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-cancel", d, null);
    LabTestEnv.awaitStatus(lab, s -> s.steps().get(1).state() == StepState.RUNNING);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!RESOURCES.log().contains("Create b") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    WorkflowStub.fromTyped(lab).cancel();
    awaitClosedWithFailure(lab);
    return "lab-history-cancel";
  }

  static String cancelPaused(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    var d =
        definition("cancel-paused")
            .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE))
            .build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-cancel-paused", d, null);
    LabTestEnv.awaitState(lab, LabState.PAUSED);
    WorkflowStub.fromTyped(lab).cancel();
    awaitClosedWithFailure(lab);
    return "lab-history-cancel-paused";
  }

  static String pauseSkip(WorkflowClient client, Worker worker) {
    RESOURCES.failRetryable("Create b", "Throttling", 1);
    var d =
        definition("pause-skip")
            .steps(create("a"), create("b").maxAttempts(1).onFailure(OnFailure.PAUSE), create("c"))
            .build();
    LabWorkflow lab = LabTestEnv.start(client, worker, "lab-history-pause-skip", d, null);
    LabTestEnv.awaitState(lab, LabState.PAUSED);
    lab.decide(RawJson.of(Decision.SKIP));
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return "lab-history-pause-skip";
  }

  /** An internal error whose rollback throws too (LabWorkflowInternalErrorTest, version 1). */
  static String rollbackThrows(WorkflowClient client, Worker worker) {
    var d =
        definition("undofails")
            .steps(create("a").compensate("Tags", map("labId", "${lab.labId}", "name", "a")), tags("b"))
            .build();
    awaitClosedWithFailure(LabTestEnv.start(client, worker, "lab-history-undofails", d, null));
    return "lab-history-undofails";
  }

  /** A branch that throws while its sibling runs (LabWorkflowInternalErrorTest, version 1). */
  static String branchThrows(WorkflowClient client, Worker worker) {
    RESOURCES.hang("Create p2");
    var d =
        definition("branchthrows")
            .steps(
                create("a"),
                parallel(
                    "group",
                    tags("p1").compensate("Delete", map("labId", "${lab.labId}", "name", "p1")),
                    hanging("p2")),
                create("c"))
            .build();
    awaitClosedWithFailure(LabTestEnv.start(client, worker, "lab-history-branchthrows", d, null));
    return "lab-history-branchthrows";
  }

  /** A step that runs until cancelled (its heartbeat tells it). */
  private static Defs.StepBuilder hanging(String id) {
    return create(id).heartbeat(Duration.ofSeconds(2)).timeout(Duration.ofMinutes(5));
  }

  /** A step whose result the interpreter cannot read: an error in workflow code. */
  private static Defs.StepBuilder tags(String id) {
    return new Defs.StepBuilder(id, "Tags").with(map("labId", "${lab.labId}", "name", id));
  }

  /** A lab with tasks: a check that fails, one that passes (and adopts), a solve, a teardown. */
  static String learnerTasks(WorkflowClient client, Worker worker) {
    LabWorkflow lab =
        LabTestEnv.start(
            client, worker, "lab-history-learner", LabWorkflowLearnerTest.learnerLab(), null);
    LabTestEnv.awaitState(lab, LabState.LIVE);
    LabTestEnv.LEARNER.made.add("role");
    lab.check(null);
    LabTestEnv.LEARNER.made.add("boundary");
    lab.check(null);
    lab.solve(null);
    lab.teardown(null);
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return "lab-history-learner";
  }

  private static void awaitClosedWithFailure(LabWorkflow lab) {
    try {
      WorkflowStub.fromTyped(lab).getResult(Object.class);
      throw new IllegalStateException("the lab should have failed");
    } catch (WorkflowException expected) {
      // The rollback history is what we want.
    }
  }
}
