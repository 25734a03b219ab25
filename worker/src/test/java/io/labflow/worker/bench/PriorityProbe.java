package io.labflow.worker.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Does a Temporal server serve task priority? Queues {@code N} workflows at priority 5 (a fleet's
 * resets) and then one at priority 1 (a learner's lab); a workflow-only worker lets each schedule
 * its activity (the activity inherits the workflow's priority), then an activity worker with one
 * slot starts, and the position at which the priority-1 activity ran is printed: 0 when the
 * server serves priority, about N when it serves in arrival order.
 *
 * <p>Usage: {@code PriorityProbe ADDRESS [N [LEARNER_PRIORITY]]}; a learner priority of 5 is the
 * control (same priority as the rest: arrival order).
 */
public final class PriorityProbe {

  @ActivityInterface
  public interface Work {
    void work(String who);
  }

  @WorkflowInterface
  public interface Job {
    @WorkflowMethod
    void run(String who);
  }

  public static class JobImpl implements Job {
    @Override
    public void run(String who) {
      Workflow.newActivityStub(Work.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30)).build()).work(who);
    }
  }

  static final List<String> ORDER = new CopyOnWriteArrayList<>();

  public static void main(String[] args) throws Exception {
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    String queue = "priority-probe-" + UUID.randomUUID();
    for (int i = 0; i < n; i++) {
      start(client, queue, "fleet-" + i, 5);
    }
    int learner = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    start(client, queue, "learner", learner);
    // Workflows only: every job schedules its activity, and the activities queue up unserved.
    WorkerFactory workflows = WorkerFactory.newInstance(client);
    workflows.newWorker(queue).registerWorkflowImplementationTypes(JobImpl.class);
    workflows.start();
    Thread.sleep(5000);
    // Then one activity slot: the order it serves them in is the server's.
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(queue, WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(1)
        .setMaxConcurrentActivityTaskPollers(1)
        .build());
    worker.registerActivitiesImplementations((Work) who -> ORDER.add(who));
    factory.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (ORDER.size() < n + 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    System.out.println("priority_probe queued=" + n + " learner_position=" + ORDER.indexOf("learner")
        + " (0 = priority honoured, " + n + " = arrival order)");
    factory.shutdownNow();
    workflows.shutdownNow();
    service.shutdownNow();
  }

  private static void start(WorkflowClient client, String queue, String who, int priority) {
    Job job = client.newWorkflowStub(Job.class, WorkflowOptions.newBuilder()
        .setTaskQueue(queue).setWorkflowId("probe-" + who + "-" + UUID.randomUUID())
        .setPriority(Priority.newBuilder().setPriorityKey(priority).build()).build());
    WorkflowClient.start(job::run, who);
  }
}
