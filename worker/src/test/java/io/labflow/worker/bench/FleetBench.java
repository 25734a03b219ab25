package io.labflow.worker.bench;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.FleetRequests;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark's driver (prints figures, not a test): resets {@code N} labs once as a fleet
 * night ({@code FleetResetWorkflow}, started through the client as the Schedule starts it) and
 * once "by hand" (N {@code LabResetWorkflow}s started at once through the same client), on a
 * running stack with its worker.
 *
 * <p>Usage: {@code FleetBench fleet|hand N CONCURRENCY DEFINITION [KEY=VALUE...]} with the
 * standard Temporal environment and {@code LABFLOW_TASK_QUEUE}.
 */
public final class FleetBench {

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    String definition = args[3];
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      params.put(kv[0], kv[1]);
    }
    String queue = System.getenv().getOrDefault("LABFLOW_TASK_QUEUE", "labflow");
    List<FleetRequest.Lab> labs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      labs.add(new FleetRequest.Lab(String.format("bench-%d-%03d", n, i), null, params));
    }
    try (TemporalConnection conn = TemporalConnection.open()) {
      WorkflowClient client = conn.client();
      long start = System.nanoTime();
      int ok = 0;
      if (mode.equals("fleet")) {
        FleetRequest request = new FleetRequest("bench-" + n, definition, concurrency, 3, labs, Map.of(), null);
        WorkflowStub night = client.newUntypedWorkflowStub(FleetResetWorkflow.TYPE, WorkflowOptions.newBuilder()
            .setWorkflowId("bench-fleet-" + n + "-" + System.currentTimeMillis()).setTaskQueue(queue).build());
        night.start(FleetRequests.toJson(request));
        FleetReport report = night.getResult(FleetReport.class);
        ok = (int) report.labs().stream().filter(r -> r.outcome() == LabReport.Outcome.OK).count();
      } else {
        List<WorkflowStub> resets = new ArrayList<>();
        for (FleetRequest.Lab lab : labs) {
          WorkflowStub s = client.newUntypedWorkflowStub(LabResetWorkflow.TYPE, WorkflowOptions.newBuilder()
              .setWorkflowId("reset-" + lab.labId()).setTaskQueue(queue)
              .setTypedSearchAttributes(SearchAttributes.newBuilder().set(LabSearchAttributes.LAB_ID, lab.labId()).build())
              .build());
          s.start(new ResetRequest(lab.labId(), definition, null, params));
          resets.add(s);
        }
        for (WorkflowStub s : resets) {
          try {
            s.getResult(Object.class);
            ok++;
          } catch (RuntimeException e) {
            System.err.println("reset failed: " + e.getMessage());
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("fleet_bench mode=%s labs=%d concurrency=%d ok=%d seconds=%.2f resets_per_minute=%.1f%n",
          mode, n, concurrency, ok, seconds, ok * 60 / seconds);
    }
  }
}
