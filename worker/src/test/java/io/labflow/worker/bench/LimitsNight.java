package io.labflow.worker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.FleetLab;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark through AWS's limits (prints figures, not a test): on a stack whose moto
 * enforces quotas, rate limits and AWS's time ({@code scripts/bench-fleet --limits}), a first fleet
 * night creates N labs, one of them is then reset alone (a lab's own time, nothing else running),
 * and a second fleet night resets all N, CONCURRENCY at once. Prints a {@code fleet_limits} line:
 * the night's seconds against its lower bound, the larger of the lab's own time and what the rate
 * limits allow (for every API, the calls AWS answered during the night beyond its bucket, at its
 * refill rate), the requests moto throttled, the AWS calls per reset and the worker's RSS.
 *
 * <p>Usage: {@code LimitsNight N CONCURRENCY DEFINITION [KEY=VALUE...]}, environment as {@link
 * FleetBench}, and {@code AWS_ENDPOINT_URL} (moto, for its throttled count).
 */
public final class LimitsNight {

  private LimitsNight() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    String definition = args[2];
    String queue = System.getenv().getOrDefault("LABFLOW_TASK_QUEUE", "labflow");
    List<FleetLab> labs = FleetBench.labs("limits", n, FleetBench.params(args));
    try (TemporalConnection conn = TemporalConnection.open()) {
      WorkflowClient client = conn.client();
      FleetBench.measure("provision", n, concurrency,
          () -> FleetBench.fleet(client, queue, definition, labs, concurrency));
      FleetBench.Pass alone = FleetBench.measure("alone", 1, 1,
          () -> FleetBench.hand(client, queue, definition, labs.subList(0, 1), null));
      long throttledBefore = throttled().path("throttled").asLong();
      WorkerMetrics before = WorkerMetrics.read();
      FleetBench.Pass night = FleetBench.measure("night", n, concurrency,
          () -> FleetBench.fleet(client, queue, definition, labs, concurrency));
      WorkerMetrics after = WorkerMetrics.read();
      JsonNode throttled = throttled();
      Map<String, Long> calls = after.okCallsSince(before);
      String slowestApi = "none";
      double rateBound = 0;
      for (Map.Entry<String, Long> e : calls.entrySet()) {
        double[] bucket = bucket(e.getKey());
        double seconds = bucket == null ? 0 : Math.max(0, e.getValue() - bucket[0]) / bucket[1];
        if (seconds > rateBound) {
          rateBound = seconds;
          slowestApi = e.getKey() + ":" + e.getValue();
        }
      }
      double bound = Math.max(alone.seconds(), rateBound);
      System.out.printf("fleet_limits labs=%d concurrency=%d ok=%d night_s=%.1f lower_bound_s=%.1f"
              + " night_over_bound=%.2f lab_alone_s=%.1f slowest_lab_in_night_s=%.1f"
              + " rate_bound_s=%.1f rate_bound_api=%s throttled=%d throttled_by_api=%s"
              + " aws_calls_per_reset=%.1f worker_rss_mb=%s load=%s%n",
          n, concurrency, night.ok(), night.seconds(), bound, night.seconds() / bound,
          alone.seconds(), night.slowest(), rateBound, slowestApi,
          throttled.path("throttled").asLong() - throttledBefore,
          throttled.path("byApi").toString().replace(" ", ""),
          after.awsCallsSince(before) / (double) n, FleetBench.rssMb(), WorkerMetrics.load());
    }
  }

  /**
   * {size, refill per second} of the API's bucket in moto's default rates ({@code
   * scripts/lib/moto_rates.py}); for EC2's reads the larger (filtered) refill, so the bound stays a
   * lower bound. Null for S3, which is not metered.
   */
  static double[] bucket(String api) {
    String service = api.substring(0, api.indexOf('.'));
    String operation = api.substring(api.indexOf('.') + 1);
    return switch (service) {
      case "ec2" -> operation.matches("(Describe|Get|List|Search).*")
          ? new double[] {100, 20} : new double[] {50, 5};
      case "iam", "cloudformation" -> new double[] {20, 10};
      case "sts" -> new double[] {600, 600};
      default -> null;
    };
  }

  /** moto's throttled requests so far: {"throttled": N, "byApi": {...}}. */
  private static JsonNode throttled() throws Exception {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    try (var in = URI.create(endpoint + "/moto-api/labflow/throttled").toURL().openStream()) {
      return new ObjectMapper().readTree(in);
    }
  }
}
