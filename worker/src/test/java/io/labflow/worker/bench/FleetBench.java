package io.labflow.worker.bench;

import io.labflow.worker.client.LabStarter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.common.SearchAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet benchmark's driver (prints figures, not a test), for one fleet size on a running stack
 * with its worker, in one JVM through one client: a first pass provisions the labs (N resets
 * started by hand), then the same N labs are reset "by hand" (N {@code LabResetWorkflow}s started
 * at once through the client, as a person or script would), right after as a fleet night ({@code
 * FleetResetWorkflow} started through the same client as its Schedule starts it, {@code
 * CONCURRENCY} at once), and by hand again. Each pass prints one {@code fleet_bench} line:
 * seconds, resets per minute, the load, the worker's resident memory, how long the starts took to
 * be issued (for the fleet: until its last child started), and the worker's own figures over the
 * pass ({@link WorkerMetrics}); then a {@code fleet_ratio} line: the fleet over the mean of the two
 * hand passes around it.
 *
 * <p>Usage: {@code FleetBench N CONCURRENCY DEFINITION [KEY=VALUE...]} with the standard Temporal
 * environment, {@code LABFLOW_TASK_QUEUE}, {@code LABFLOW_METRICS_PORT} and {@code
 * LABFLOW_WORKER_PID} (for the RSS). {@code LABFLOW_BENCH_HAND_PRIORITY} gives the hand-started
 * resets a task priority key (default: none, as {@code labflow fleet reset --lab} starts them);
 * {@code LABFLOW_BENCH_ONLY=fleet} runs one fleet night and nothing else. {@code
 * LABFLOW_BENCH_LEARNER=1} also times one lab started at the default priority (as from the Web UI)
 * until it is LIVE, alone after the provisioning pass and again 10 s into the fleet night, and
 * prints a {@code fleet_learner} line (that lab's own AWS calls then count in the fleet pass).
 */
public final class FleetBench {

  /** One pass: labs ok, seconds, seconds until its last start, and its slowest lab's seconds. */
  record Pass(int ok, double seconds, double startSpread, double slowest) {}

  /** When the learner's lab starts, counted from the fleet night's start. */
  private static final long LEARNER_AFTER_MS = 10_000;

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    String definition = args[2];
    Map<String, Object> params = params(args);
    String queue = System.getenv().getOrDefault("LABFLOW_TASK_QUEUE", "labflow");
    String handPriority = System.getenv("LABFLOW_BENCH_HAND_PRIORITY");
    List<FleetLab> labs = labs("bench", n, params);
    try (TemporalConnection conn = TemporalConnection.open()) {
      WorkflowClient client = conn.client();
      Integer priority = handPriority == null || handPriority.isBlank() ? null : Integer.valueOf(handPriority);
      if ("fleet".equals(System.getenv("LABFLOW_BENCH_ONLY"))) {
        // One fleet night and nothing else: does a fleet of this size finish, and how fast.
        measure("fleet", n, concurrency, () -> fleet(client, queue, definition, labs, concurrency));
        return;
      }
      boolean learner = "1".equals(System.getenv("LABFLOW_BENCH_LEARNER"));
      measure("provision", n, n, () -> hand(client, queue, definition, labs, priority));
      double alone = learner ? learner(client, queue, definition, "learner-" + n + "-alone", params) : 0;
      Pass hand = measure("hand", n, n, () -> hand(client, queue, definition, labs, priority));
      double[] during = {0};
      Pass fleet = measure("fleet", n, concurrency, () -> {
        CompletableFuture<Void> timed = !learner ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> {
              try {
                Thread.sleep(LEARNER_AFTER_MS);
                during[0] = learner(client, queue, definition, "learner-" + n + "-during", params);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
        Pass p = fleet(client, queue, definition, labs, concurrency);
        timed.join();
        return p;
      });
      if (learner) {
        System.out.printf("fleet_learner labs=%d alone_s=%.2f during_fleet_s=%.2f started_after_s=%d%n",
            n, alone, during[0], LEARNER_AFTER_MS / 1000);
      }
      Pass handAgain = measure("hand", n, n, () -> hand(client, queue, definition, labs, priority));
      // Hand, fleet, hand: each pass leaves the emulator more to list (deleted stacks, terminated
      // instances), so the fleet is compared with the mean of the passes either side of it.
      double handMean = (hand.seconds() + handAgain.seconds()) / 2;
      System.out.printf("fleet_ratio labs=%d concurrency=%d fleet_over_hand=%.2f hand_s=%.1f fleet_s=%.1f"
              + " hand_again_s=%.1f hand_priority=%s load=%s%n",
          n, concurrency, fleet.seconds() / handMean, hand.seconds(), fleet.seconds(), handAgain.seconds(),
          priority == null ? "default" : priority, WorkerMetrics.load());
    }
  }

  interface Body {
    Pass run() throws Exception;
  }

  static Pass measure(String mode, int n, int concurrency, Body body) throws Exception {
    String loadBefore = WorkerMetrics.load();
    WorkerMetrics before = WorkerMetrics.read();
    Pass p = body.run();
    WorkerMetrics after = WorkerMetrics.read();
    System.out.printf("fleet_bench mode=%s labs=%d concurrency=%d ok=%d seconds=%.2f resets_per_minute=%.1f"
            + " starts_issued_s=%.2f worker_rss_mb=%s %s load=%s/%s%n",
        mode, n, concurrency, p.ok(), p.seconds(), p.ok() * 60 / p.seconds(), p.startSpread(), rssMb(),
        after.summarySince(before), loadBefore, WorkerMetrics.load());
    System.out.flush();
    if (p.ok() < n) {
      // A pass with failed resets measures the failures, not the resets: no figure after it.
      throw new IllegalStateException(mode + " pass: " + (n - p.ok()) + " of " + n
          + " resets failed (each one's reason is above)");
    }
    return p;
  }

  /** The usage's {@code KEY=VALUE} arguments, after N, CONCURRENCY and DEFINITION. */
  static Map<String, Object> params(String[] args) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      params.put(kv[0], kv[1]);
    }
    return params;
  }

  /** N labs named {@code PREFIX-N-i}, all with these parameters. */
  static List<FleetLab> labs(String prefix, int n, Map<String, Object> params) {
    List<FleetLab> labs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      labs.add(new FleetLab(String.format("%s-%d-%03d", prefix, n, i), null, params));
    }
    return labs;
  }

  static Pass hand(WorkflowClient client, String queue, String definition, List<FleetLab> labs,
      Integer priority) {
    long start = System.nanoTime();
    List<WorkflowStub> resets = new ArrayList<>();
    for (FleetLab lab : labs) {
      WorkflowOptions.Builder options = WorkflowOptions.newBuilder()
          .setWorkflowId("reset-" + lab.labId()).setTaskQueue(queue)
          .setTypedSearchAttributes(SearchAttributes.newBuilder().set(LabSearchAttributes.LAB_ID, lab.labId()).build());
      if (priority != null) {
        options.setPriority(Priority.newBuilder().setPriorityKey(priority).build());
      }
      WorkflowStub s = client.newUntypedWorkflowStub(LabResetWorkflow.TYPE, options.build());
      s.start(new ResetRequest(lab.labId(), definition, null, lab.parameters()));
      resets.add(s);
    }
    double spread = (System.nanoTime() - start) / 1e9;
    int ok = 0;
    for (WorkflowStub s : resets) {
      try {
        s.getResult(Object.class);
        ok++;
      } catch (RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        System.err.println("reset " + s.getExecution().getWorkflowId() + " failed: " + cause.getMessage());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Pass(ok, seconds, spread, seconds);
  }

  static Pass fleet(WorkflowClient client, String queue, String definition, List<FleetLab> labs,
      int concurrency) {
    long start = System.nanoTime();
    long startedAt = System.currentTimeMillis();
    String id = "bench-fleet-" + labs.size() + "-" + System.currentTimeMillis();
    FleetRequest request = new FleetRequest("bench-" + labs.size(), definition, concurrency, 3, labs, Map.of(), null, null);
    WorkflowStub night = client.newUntypedWorkflowStub(FleetResetWorkflow.TYPE, WorkflowOptions.newBuilder()
        .setWorkflowId(id).setTaskQueue(queue).build());
    night.start(FleetRequest.toJson(request));
    FleetReport report = night.getResult(FleetReport.class);
    double seconds = (System.nanoTime() - start) / 1e9;
    int ok = 0;
    long slowest = 0;
    for (LabReport r : report.labs()) {
      slowest = Math.max(slowest, r.durationMs());
      if (r.outcome() == LabReport.Outcome.OK) {
        ok++;
      } else {
        System.err.println("fleet lab " + r.labId() + ": " + r.outcome() + " " + r.error());
      }
    }
    return new Pass(ok, seconds, lastChildStarted(client, id, startedAt), slowest / 1000.0);
  }

  /** Seconds from the night's start to its last child's start, over every run of the night. */
  private static double lastChildStarted(WorkflowClient client, String id, long startedAt) {
    long last = startedAt;
    // The night's runs (continue-as-new) share its id.
    for (var run : client.listExecutions("WorkflowId='" + id + "'").toList()) {
      for (HistoryEvent e : client.fetchHistory(id, run.getExecution().getRunId()).getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
          long t = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
          last = Math.max(last, t);
        }
      }
    }
    return (last - startedAt) / 1000.0;
  }

  /**
   * Seconds for one lab started as the Web UI starts it (default priority) to reach LIVE; it is
   * then torn down.
   */
  private static double learner(WorkflowClient client, String queue, String definition, String labId,
      Map<String, Object> params) throws InterruptedException {
    WorkflowStub stub = client.newUntypedWorkflowStub(LabWorkflow.TYPE,
        new LabStarter(labId, definition, null, queue, "bench learner", null, null).options());
    long start = System.nanoTime();
    String runId = stub.start(new LabRequest(definition, null, labId, params, null)).getRunId();
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class, labId, Optional.of(runId));
    while (true) {
      LabStatus s = lab.status();
      if (s != null && s.state() == LabState.LIVE) {
        break;
      }
      if (s != null && s.state() != LabState.RESOLVING && s.state() != LabState.PROVISIONING) {
        throw new IllegalStateException("lab " + labId + " did not go live: " + s.state() + " " + s.lastError());
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    lab.teardown(null);
    WorkflowStub.fromTyped(lab).getResult(Object.class);
    return seconds;
  }

  static String rssMb() {
    String pid = System.getenv("LABFLOW_WORKER_PID");
    if (pid == null) {
      return "?";
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (java.io.IOException e) {
      // The worker is gone: no figure.
    }
    return "?";
  }
}
