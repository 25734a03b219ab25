package io.labflow.worker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A snapshot of the stack worker's Prometheus metrics (each metric summed over its labels), read
 * from {@code LABFLOW_METRICS_PORT}, and the machine's load; the benchmarks print the difference
 * between two snapshots next to their timings, so a figure says where its time went.
 */
record WorkerMetrics(Map<String, Double> sums, Map<String, Double> okCalls) {

  private static final java.util.regex.Pattern AWS_CALL = java.util.regex.Pattern.compile(
      "labflow_aws_calls_total\\{.*?operation=\"([^\"]*)\".*?outcome=\"ok\".*?service=\"([^\"]*)\".*");

  static WorkerMetrics read() {
    String port = System.getenv().getOrDefault("LABFLOW_METRICS_PORT", "9464");
    Map<String, Double> sums = new HashMap<>();
    Map<String, Double> okCalls = new HashMap<>();
    try {
      String body = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name = line.substring(0, brace >= 0 ? brace : space);
        sums.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
        java.util.regex.Matcher call = AWS_CALL.matcher(line);
        if (call.matches()) {
          okCalls.merge(call.group(2).toLowerCase(java.util.Locale.ROOT) + "." + call.group(1),
              Double.parseDouble(line.substring(space + 1)), Double::sum);
        }
      }
    } catch (Exception e) {
      // Unreadable: every figure derived from it prints as -1.
    }
    return new WorkerMetrics(sums, okCalls);
  }

  double get(String name) {
    return sums.getOrDefault(name, -1.0);
  }

  /** This snapshot minus an earlier one, for one metric. */
  double since(WorkerMetrics before, String name) {
    return get(name) - before.get(name);
  }

  /** Mean of a timer between two snapshots, in milliseconds. */
  long meanMs(WorkerMetrics before, String timer) {
    double n = since(before, timer + "_count");
    return n <= 0 ? -1 : Math.round(since(before, timer + "_sum") * 1000 / n);
  }

  /** The calls AWS answered, by {@code service.Operation} ({@code ec2.DescribeVpcs}), since then. */
  Map<String, Long> okCallsSince(WorkerMetrics before) {
    Map<String, Long> out = new java.util.TreeMap<>();
    okCalls.forEach((k, v) -> out.put(k, Math.round(v - before.okCalls.getOrDefault(k, 0.0))));
    return out;
  }

  long awsCallsSince(WorkerMetrics before) {
    return Math.round(since(before, "labflow_aws_calls_total"));
  }

  /**
   * Where the worker's time went between two snapshots, as {@code key=value} fields: AWS calls,
   * workflow tasks (queries included) and activity tasks started, and their mean wait in the
   * server's queue (schedule to start).
   */
  String summarySince(WorkerMetrics before) {
    String wft = "temporal_workflow_task_schedule_to_start_latency_seconds";
    String act = "temporal_activity_schedule_to_start_latency_seconds";
    return String.format("aws_calls=%d workflow_tasks=%d wft_wait_ms=%d activity_tasks=%d act_wait_ms=%d",
        awsCallsSince(before), Math.round(since(before, wft + "_count")), meanMs(before, wft),
        Math.round(since(before, act + "_count")), meanMs(before, act));
  }

  /** The one-minute load average. */
  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
