package io.labflow.worker.runtime;

import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open labs by state, read from Temporal's visibility (the {@code LabState} search attribute every
 * lab keeps current) at start and every {@link #EVERY}: {@code labflow_labs{state}} for every
 * {@link LabState} (0 included), {@code labflow_lab_paused{lab}} = 1 for each paused lab and {@code
 * labflow_lab_undoing{lab}} = 1 for each lab rolling back or tearing down, so an alert can say
 * which lab has waited for an operator, or kept undoing (its undos retry while AWS does not
 * answer), too long. Visibility, not the worker's memory, so the figures survive a worker restart
 * and are the same on every worker.
 */
final class LabStateGauges implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(15);
  private static final String QUERY =
      "WorkflowType='" + LabWorkflow.TYPE + "' AND ExecutionStatus='Running'";
  private static final Set<String> UNDOING =
      Set.of(LabState.ROLLING_BACK.name(), LabState.TEARING_DOWN.name());
  private static final Logger log = LoggerFactory.getLogger(LabStateGauges.class);

  private final WorkflowClient client;
  private final MultiGauge byState;
  private final MultiGauge paused;
  private final MultiGauge undoing;
  private boolean failing;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "labflow-lab-gauges");
    t.setDaemon(true);
    return t;
  });

  LabStateGauges(WorkflowClient client, MeterRegistry registry) {
    this.client = client;
    this.byState = MultiGauge.builder(LabflowMeters.LABS).register(registry);
    this.paused = MultiGauge.builder(LabflowMeters.LAB_PAUSED).register(registry);
    this.undoing = MultiGauge.builder(LabflowMeters.LAB_UNDOING).register(registry);
  }

  void start() {
    timer.scheduleWithFixedDelay(this::refresh, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  void refresh() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Arrays.stream(LabState.values()).forEach(s -> counts.put(s.name(), 0));
    List<MultiGauge.Row<Number>> pausedRows = new ArrayList<>();
    List<MultiGauge.Row<Number>> undoingRows = new ArrayList<>();
    try {
      for (WorkflowExecutionMetadata m : client.listExecutions(QUERY).toList()) {
        String state = Objects.requireNonNullElse(
            m.getTypedSearchAttributes().get(LabSearchAttributes.STATE), LabState.RESOLVING.name());
        counts.merge(state, 1, Integer::sum);
        var lab = MultiGauge.Row.of(Tags.of("lab", m.getExecution().getWorkflowId()), (Number) 1);
        if (LabState.PAUSED.name().equals(state)) {
          pausedRows.add(lab);
        } else if (UNDOING.contains(state)) {
          undoingRows.add(lab);
        }
      }
    } catch (RuntimeException e) {
      // Said once per outage: an alert on these gauges is silent while they keep the last figures.
      if (!failing) {
        log.warn("Cannot count labs by state; the labflow_labs, labflow_lab_paused and"
            + " labflow_lab_undoing gauges keep their last figures until Temporal's visibility"
            + " answers: {}", e.toString());
      }
      failing = true;
      return;
    }
    failing = false;
    byState.register(counts.entrySet().stream()
        .map(c -> MultiGauge.Row.of(Tags.of("state", c.getKey()), c.getValue())).toList(), true);
    paused.register(pausedRows, true);
    undoing.register(undoingRows, true);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
