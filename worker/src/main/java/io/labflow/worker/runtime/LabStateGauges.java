package io.labflow.worker.runtime;

import io.labflow.worker.client.FailingTask;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open labs by state, read from Temporal's visibility (the {@code LabState} search attribute every
 * lab keeps current) at start and every {@link #EVERY}: {@code labflow_labs{state}} for every
 * {@link LabState} (0 included), and a series of value 1 for each lab that waits on someone, so an
 * alert can say which lab waited too long: {@code labflow_lab_paused{lab}} (for an operator),
 * {@code labflow_lab_undoing{lab}} (rolling back or tearing down: its undos retry while AWS does
 * not answer) and {@code labflow_lab_task_failing{lab}} (its workflow task keeps failing, which
 * Temporal reports in {@code TemporalReportedProblems}: a bug, or a version that cannot replay
 * it); and {@code labflow_reset_task_failing{workflow}} for a lab's reset or a fleet's night whose
 * workflow task keeps failing (it resets nothing, and a night that runs skips the fleet's next).
 * Visibility, not the worker's memory, so the figures survive a worker restart and are the same on
 * every worker.
 */
final class LabStateGauges implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(15);
  private static final String QUERY = "WorkflowType IN ('" + LabWorkflow.TYPE + "','"
      + LabResetWorkflow.TYPE + "','" + FleetResetWorkflow.TYPE + "')"
      + " AND ExecutionStatus='Running'";
  private static final Set<String> UNDOING = Arrays.stream(LabState.values())
      .filter(LabState::isUndoing).map(LabState::name).collect(Collectors.toSet());
  private static final Logger log = LoggerFactory.getLogger(LabStateGauges.class);

  private final WorkflowClient client;
  private final MultiGauge byState;
  private final MultiGauge resetsFailing;
  /** Each per-lab gauge, with the test a lab's state and search attributes pass to be in it. */
  private final Map<MultiGauge, BiPredicate<String, SearchAttributes>> perLab =
      new LinkedHashMap<>();
  private boolean failing;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "labflow-lab-gauges");
    t.setDaemon(true);
    return t;
  });

  LabStateGauges(WorkflowClient client, MeterRegistry registry) {
    this.client = client;
    this.byState = MultiGauge.builder(LabflowMeters.LABS).register(registry);
    this.resetsFailing = MultiGauge.builder(LabflowMeters.RESET_TASK_FAILING).register(registry);
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_PAUSED).register(registry),
        (state, sa) -> LabState.PAUSED.name().equals(state));
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_UNDOING).register(registry),
        (state, sa) -> UNDOING.contains(state));
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_TASK_FAILING).register(registry),
        (state, sa) -> sa.containsKey(FailingTask.REPORTED_PROBLEMS));
  }

  void start() {
    timer.scheduleWithFixedDelay(this::refresh, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  void refresh() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Arrays.stream(LabState.values()).forEach(s -> counts.put(s.name(), 0));
    Map<MultiGauge, List<MultiGauge.Row<Number>>> rows = new HashMap<>();
    perLab.keySet().forEach(g -> rows.put(g, new ArrayList<>()));
    rows.put(resetsFailing, new ArrayList<>());
    try {
      for (WorkflowExecutionMetadata m : client.listExecutions(QUERY).toList()) {
        SearchAttributes sa = m.getTypedSearchAttributes();
        if (!LabWorkflow.TYPE.equals(m.getWorkflowType())) {
          if (sa.containsKey(FailingTask.REPORTED_PROBLEMS)) {
            rows.get(resetsFailing).add(MultiGauge.Row.of(
                Tags.of("workflow", m.getExecution().getWorkflowId()), (Number) 1));
          }
          continue;
        }
        String state = Objects.requireNonNullElse(
            sa.get(LabSearchAttributes.STATE), LabState.RESOLVING.name());
        counts.merge(state, 1, Integer::sum);
        var lab = MultiGauge.Row.of(Tags.of("lab", m.getExecution().getWorkflowId()), (Number) 1);
        perLab.forEach((gauge, test) -> {
          if (test.test(state, sa)) {
            rows.get(gauge).add(lab);
          }
        });
      }
    } catch (RuntimeException e) {
      // Said once per outage: an alert on these gauges is silent while they keep the last figures.
      if (!failing) {
        log.warn("Cannot count labs by state; the labflow_labs, labflow_lab_paused,"
            + " labflow_lab_undoing, labflow_lab_task_failing and labflow_reset_task_failing"
            + " gauges keep their last figures until Temporal's visibility answers: {}",
            e.toString());
      }
      failing = true;
      return;
    }
    failing = false;
    byState.register(counts.entrySet().stream()
        .map(c -> MultiGauge.Row.of(Tags.of("state", c.getKey()), c.getValue())).toList(), true);
    rows.forEach((gauge, labs) -> gauge.register(labs, true));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
