package io.labflow.worker.e2e;

import io.labflow.worker.client.FailingTask;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.EncodedValues;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.DynamicWorkflow;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A lab whose history other code wrote, as a labflow version that cannot replay it meets it (an
 * upgrade without {@code Workflow.getVersion}, or a bug): an impostor {@code LabWorkflow} in this
 * JVM takes its first workflow task and only starts a timer, then stops. The labflow worker that
 * polls the lab's task queue next fails every workflow task of it (non-determinism) once a signal
 * wakes it.
 */
final class UnreplayableLab {

  /** The impostor: a timer where labflow would resolve its definition. */
  public static final class Impostor implements DynamicWorkflow {
    @Override
    public Object execute(EncodedValues args) {
      Workflow.sleep(Duration.ofHours(1));
      return null;
    }
  }

  private UnreplayableLab() {}

  /** Starts lab {@code labId} on {@code queue} and returns once its history holds the timer. */
  static void start(WorkflowClient client, String labId, String queue) throws Exception {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(queue).registerWorkflowImplementationTypes(Impostor.class);
    factory.start();
    try {
      WorkflowStub lab = client.newUntypedWorkflowStub(LabWorkflow.TYPE, WorkflowOptions.newBuilder()
          .setWorkflowId(labId).setTaskQueue(queue)
          .setTypedSearchAttributes(SearchAttributes.newBuilder()
              .set(LabSearchAttributes.LAB_ID, labId).build())
          .build());
      lab.start(Map.of("definition", "iam-mini", "labId", labId));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (client.fetchHistory(labId).getEvents().stream()
          .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the impostor did not start its timer within 30 s");
        }
        Thread.sleep(200);
      }
    } finally {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** How many times in a row the lab's workflow task has failed. */
  static int taskFailures(WorkflowClient client, String labId) {
    return FailingTask.failures(client.newUntypedWorkflowStub(labId).describe().getRawDescription());
  }
}
