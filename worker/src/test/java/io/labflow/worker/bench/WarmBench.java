package io.labflow.worker.bench;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-lab benchmark's driver (prints figures, not a test), warm on both sides: in one JVM,
 * through one Temporal client, the lab run through Temporal (start, LIVE, switch variant, teardown,
 * closed) against the same activity code making the same AWS calls in a straight line ({@link
 * Baseline}, built once in this JVM). A first run of each side warms it up and is not counted;
 * then {@code RUNS} pairs, back to back; the medians give the orchestration overhead, as a ratio
 * and in milliseconds per step.
 *
 * <p>Usage: {@code WarmBench RUNS FILE FROM TO [KEY=VALUE...]} on a running stack (the standard
 * Temporal and AWS environment, {@code LABFLOW_TASK_QUEUE}, {@code LABFLOW_METRICS_PORT} of the
 * worker for its AWS call count).
 */
public final class WarmBench {

  private static final long POLL_MS = 50;

  private record Run(double seconds, int activities, int events, String worker) {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    Path file = Path.of(args[1]);
    String from = args[2];
    String to = args[3];
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      params.put(kv[0], kv[1]);
    }
    Definition def = Baseline.load(file);
    String yaml = Files.readString(file);
    String stamp = Long.toString(System.currentTimeMillis() / 1000 % 100000);
    double[] t = new double[runs];
    double[] b = new double[runs];
    Run lastT = null;
    Baseline.Result lastB = null;
    try (TemporalConnection conn = TemporalConnection.open();
        Baseline baseline = new Baseline(file.toAbsolutePath().getParent())) {
      for (int i = 0; i <= runs; i++) {
        Run tr = temporal(conn.client(), def, yaml, "warm-" + stamp + "-" + i, from, to, params);
        Baseline.Result br = baseline.run(def, "base-" + stamp + "-" + i, from, to, params);
        System.out.printf("bench_run run=%s temporal_s=%.3f baseline_s=%.3f base_aws_calls=%d"
                + " activities=%d base_steps=%d history_events=%d %s load=%s%n",
            i == 0 ? "warmup" : Integer.toString(i), tr.seconds(), br.seconds(), br.awsCalls(),
            tr.activities(), br.activityCalls(), tr.events(), tr.worker(), WorkerMetrics.load());
        if (i > 0) {
          t[i - 1] = tr.seconds();
          b[i - 1] = br.seconds();
        }
        lastT = tr;
        lastB = br;
      }
    }
    double mt = median(t);
    double mb = median(b);
    System.out.printf("bench_median runs=%d temporal_s=%.3f baseline_s=%.3f ratio=%.2f overhead_s=%.3f"
            + " steps=%d overhead_ms_per_step=%.0f activities=%d history_events=%d load=%s%n",
        runs, mt, mb, mt / mb, mt - mb, lastB.activityCalls(),
        (mt - mb) * 1000 / lastB.activityCalls(), lastT.activities(), lastT.events(), WorkerMetrics.load());
    // The in-process activity environment keeps non-daemon threads alive.
    System.exit(0);
  }

  private static Run temporal(WorkflowClient client, Definition def, String yaml, String labId, String from,
      String to, Map<String, Object> params) throws Exception {
    String queue = System.getenv().getOrDefault("LABFLOW_TASK_QUEUE", "labflow");
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(labId)
        .setTaskQueue(queue)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(LabSearchAttributes.LAB_ID, labId)
            .set(LabSearchAttributes.DEFINITION, def.name())
            .set(LabSearchAttributes.VARIANT, from)
            .build())
        .build();
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class, options);
    WorkerMetrics before = WorkerMetrics.read();
    long start = System.nanoTime();
    String runId = WorkflowClient.start(lab::run, RawJson.of(new LabRequest(null, from, labId, params, yaml))).getRunId();
    LabWorkflow running = client.newWorkflowStub(LabWorkflow.class,
        io.temporal.client.WorkflowTargetOptions.newBuilder().setWorkflowId(labId).setRunId(runId).build());
    while (true) {
      LabStatus s = running.status();
      if (s != null && s.state() == LabState.LIVE) {
        break;
      }
      if (s != null && s.state() != LabState.RESOLVING && s.state() != LabState.PROVISIONING) {
        throw new IllegalStateException("lab " + labId + " did not go live: " + s.state() + " " + s.lastError());
      }
      Thread.sleep(POLL_MS);
    }
    running.switchVariant(RawJson.of(to));
    running.teardown(null);
    WorkflowStub.fromTyped(running).getResult(Object.class);
    double seconds = (System.nanoTime() - start) / 1e9;
    WorkerMetrics after = WorkerMetrics.read();
    List<HistoryEvent> events = client.fetchHistory(labId, runId).getEvents();
    int activities = (int) events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).count();
    return new Run(seconds, activities, events.size(), after.summarySince(before));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
