package io.labflow.worker.e2e;

import io.labflow.worker.client.FailingTask;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.EncodedValues;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.DynamicWorkflow;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Labs, resets and fleet nights whose history other code wrote, as a labflow version that cannot replay
 * them meets them (an upgrade without {@code Workflow.getVersion}, or a bug): an impostor in this
 * JVM takes the first workflow task of each and only starts a timer, then stops. The labflow
 * worker that polls their task queue next fails every workflow task of each (non-determinism)
 * once a signal wakes it.
 */
final class UnreplayableLab {

  /** The impostor: a timer where labflow would resolve its definition or read its fleet. */
  public static final class Impostor implements DynamicWorkflow {
    @Override
    public Object execute(EncodedValues args) {
      Workflow.sleep(Duration.ofHours(1));
      return null;
    }
  }

  private UnreplayableLab() {}

  /**
   * Runs {@code start} while the impostor polls {@code queue}, and returns the workflow ids it
   * returns once the history of each holds the timer.
   */
  static List<String> start(WorkflowClient client, String queue, Callable<List<String>> start)
      throws Exception {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(queue).registerWorkflowImplementationTypes(Impostor.class);
    factory.start();
    try {
      List<String> ids = start.call();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!ids.stream().allMatch(id -> client.fetchHistory(id).getEvents().stream()
          .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the impostor did not start its timers within 30 s");
        }
        Thread.sleep(200);
      }
      return ids;
    } finally {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Starts lab {@code labId} on {@code queue}, as the Web UI would. */
  static String lab(WorkflowClient client, String labId, String queue) {
    WorkflowStub lab = client.newUntypedWorkflowStub(LabWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setWorkflowId(labId).setTaskQueue(queue)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(LabSearchAttributes.LAB_ID, labId).build())
        .build());
    lab.start(Map.of("definition", "iam-mini", "labId", labId));
    return labId;
  }

  /** Starts a reset of lab {@code labId} on {@code queue}, as a fleet's night would. */
  static String reset(WorkflowClient client, String labId, String queue) {
    client.newUntypedWorkflowStub(LabResetWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setWorkflowId(LabIds.resetId(labId)).setTaskQueue(queue)
        .setStaticSummary("Reset lab " + labId + " (the test)").build())
        .start(Map.of("labId", labId, "definition", "iam-mini"));
    return LabIds.resetId(labId);
  }

  /** The workflow id of the night fleet {@code name}'s schedule runs now. */
  static String runningNight(WorkflowClient client, String name) throws InterruptedException {
    var schedule = ScheduleClient.newInstance(client.getWorkflowServiceStubs())
        .getHandle(Fleet.scheduleId(name));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      var running = schedule.describe().getInfo().getRunningActions();
      if (!running.isEmpty()) {
        return ((ScheduleActionExecutionStartWorkflow) running.get(0)).getWorkflowId();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("fleet " + name + " runs no night after 30 s");
  }

  /** How many times in a row the workflow's task has failed. */
  static int taskFailures(WorkflowClient client, String workflowId) {
    return FailingTask.failures(
        client.newUntypedWorkflowStub(workflowId).describe().getRawDescription());
  }
}
