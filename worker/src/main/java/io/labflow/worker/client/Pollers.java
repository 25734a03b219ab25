package io.labflow.worker.client;

import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Whether a worker polls a task queue, as {@code temporal task-queue describe} shows it: the
 * server's pollers of its workflow and its activity queue. A poller counts while its last poll is
 * at most {@link #FRESH} old: an idle worker polls again at least once a minute, and the server
 * keeps a stopped worker's entry for five.
 */
public final class Pollers {

  /** How old a poller's last poll may be for it to count as a running worker. */
  public static final Duration FRESH = Duration.ofSeconds(70);

  private Pollers() {}

  /** True when a worker polls both the workflow and the activity queue of {@code taskQueue}. */
  public static boolean polled(TemporalConnection conn, String taskQueue) {
    return fresh(conn, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
        && fresh(conn, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
  }

  /** What to start when no worker answers. */
  public static final String START =
      ": start one with ./labflow worker, or the local stack with ./scripts/stack up";

  /** The sentence a command prints when no worker polls: what is missing and what to start. */
  public static String none(String taskQueue) {
    return "no worker polls task queue " + taskQueue + " (none in the last " + FRESH.toSeconds()
        + " s)" + START;
  }

  private static boolean fresh(TemporalConnection conn, String taskQueue, TaskQueueType type) {
    Instant since = Instant.now().minus(FRESH);
    // Each call bounded, so that the answer comes within seconds.
    return conn.service().blockingStub().withDeadlineAfter(4, TimeUnit.SECONDS)
        .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace(conn.namespace())
            .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue)
                .setKind(TaskQueueKind.TASK_QUEUE_KIND_NORMAL))
            .setTaskQueueType(type)
            .build())
        .getPollersList().stream()
        .anyMatch(p -> Instant.ofEpochSecond(p.getLastAccessTime().getSeconds(),
            p.getLastAccessTime().getNanos()).isAfter(since));
  }
}
