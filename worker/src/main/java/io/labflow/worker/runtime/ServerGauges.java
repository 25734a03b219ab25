package io.labflow.worker.runtime;

import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.Fleets;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Temporal server holds of labs and fleets, read at start, then the labs every {@link
 * #EVERY} and the fleets every {@link #FLEETS_EVERY} (a describe per fleet: nights are nightly).
 * From visibility (the {@code LabState} search attribute every lab keeps current): open labs by
 * state, {@code labflow_labs{state}} for every {@link LabState} (0 included), and a series of
 * value 1 for each lab that waits on someone, so an alert can say which lab waited too long:
 * {@code labflow_lab_paused{lab}} (for an operator), {@code labflow_lab_undoing{lab}} (rolling
 * back or tearing down: its undos retry while AWS does not answer) and {@code
 * labflow_lab_task_failing{lab}} (its workflow task keeps failing, which Temporal reports in
 * {@code TemporalReportedProblems}: a bug, or a version that cannot replay it); and {@code
 * labflow_reset_task_failing{workflow}} for a lab's reset or a fleet's night so. From each
 * fleet's Schedule: {@code labflow_fleet_nights_skipped{fleet,why}}, the nights it did not start
 * ({@code overlap}: one still ran; {@code catchup}: the server could not start it within the
 * catch-up window), and {@code labflow_fleet_last_night{fleet,status}}, 1 for the status of the
 * newest night that closed (one that did not complete left no report), and {@code
 * labflow_fleet_paused{fleet}} (1 paused, 0 active: the server keeps no time of a pause, so an
 * alert reads how long from the series). Every {@link #FLEETS_EVERY} too, {@code
 * labflow_lab_left{lab,state}}: the labs whose newest run ended holding what it created, or
 * whose newest reset ended before its sweep finished ({@link LeftLabs}). The server, not the worker's memory, so the figures
 * survive a worker restart and are the same on every worker.
 */
final class ServerGauges implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(15);
  static final Duration FLEETS_EVERY = Duration.ofMinutes(1);
  private static final String QUERY = "WorkflowType IN ('" + LabWorkflow.TYPE + "','"
      + LabResetWorkflow.TYPE + "','" + FleetResetWorkflow.TYPE + "')"
      + " AND ExecutionStatus='Running'";
  private static final Set<String> UNDOING = Arrays.stream(LabState.values())
      .filter(LabState::isUndoing).map(LabState::name).collect(Collectors.toSet());
  private static final Logger log = LoggerFactory.getLogger(ServerGauges.class);

  private final WorkflowClient client;
  private final ScheduleClient schedules;
  private final MultiGauge byState;
  private final MultiGauge resetsFailing;
  /** Each per-lab gauge, with the test a lab's state and search attributes pass to be in it. */
  private final Map<MultiGauge, BiPredicate<String, SearchAttributes>> perLab =
      new LinkedHashMap<>();
  private final MultiGauge nightsSkipped;
  private final MultiGauge lastNight;
  private final MultiGauge paused;
  private final LeftLabs leftLabs;
  private final MultiGauge left;
  /** The status of each closed night the Schedules list: a closed run's never changes. */
  private final Map<String, String> closed = new HashMap<>();
  /** What could not be read at the last refresh: said once per outage. */
  private final Set<String> failing = new HashSet<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "labflow-server-gauges");
    t.setDaemon(true);
    return t;
  });

  ServerGauges(WorkflowClient client, ScheduleClient schedules, MeterRegistry registry) {
    this.client = client;
    this.schedules = schedules;
    this.byState = MultiGauge.builder(LabflowMeters.LABS).register(registry);
    this.resetsFailing = MultiGauge.builder(LabflowMeters.RESET_TASK_FAILING).register(registry);
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_PAUSED).register(registry),
        (state, sa) -> LabState.PAUSED.name().equals(state));
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_UNDOING).register(registry),
        (state, sa) -> UNDOING.contains(state));
    perLab.put(MultiGauge.builder(LabflowMeters.LAB_TASK_FAILING).register(registry),
        (state, sa) -> sa.containsKey(FailingTask.REPORTED_PROBLEMS));
    this.nightsSkipped = MultiGauge.builder(LabflowMeters.FLEET_NIGHTS_SKIPPED).register(registry);
    this.lastNight = MultiGauge.builder(LabflowMeters.FLEET_LAST_NIGHT).register(registry);
    this.paused = MultiGauge.builder(LabflowMeters.FLEET_PAUSED).register(registry);
    this.leftLabs = new LeftLabs(client);
    this.left = MultiGauge.builder(LabflowMeters.LAB_LEFT).register(registry);
  }

  void start() {
    timer.scheduleWithFixedDelay(this::refreshLabs, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::refreshFleets, 0, FLEETS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::refreshLeft, 0, FLEETS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  void refresh() {
    refreshLabs();
    refreshFleets();
    refreshLeft();
  }

  private void refreshLeft() {
    read("the labs that ended holding resources", "labflow_lab_left", () -> left.register(
        leftLabs.read().entrySet().stream()
            .map(l -> one(Tags.of("lab", l.getKey(), "state", l.getValue()))).toList(), true));
  }

  private void refreshLabs() {
    read("labs from Temporal's visibility", "labflow_labs, labflow_lab_paused,"
        + " labflow_lab_undoing, labflow_lab_task_failing and labflow_reset_task_failing",
        this::readLabs);
  }

  private void refreshFleets() {
    read("the fleets' Schedules", "labflow_fleet_nights_skipped, labflow_fleet_last_night and"
        + " labflow_fleet_paused", this::readFleets);
  }

  private void read(String what, String gauges, Runnable reading) {
    try {
      reading.run();
      failing.remove(what);
    } catch (RuntimeException e) {
      // An alert on these gauges is silent while they keep the last figures.
      if (failing.add(what)) {
        log.warn("Cannot read {}; the {} gauges keep their last figures until Temporal answers: {}",
            what, gauges, e.toString());
      }
    }
  }

  private void readLabs() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Arrays.stream(LabState.values()).forEach(s -> counts.put(s.name(), 0));
    Map<MultiGauge, List<MultiGauge.Row<Number>>> rows = new HashMap<>();
    perLab.keySet().forEach(g -> rows.put(g, new ArrayList<>()));
    rows.put(resetsFailing, new ArrayList<>());
    for (WorkflowExecutionMetadata m : client.listExecutions(QUERY).toList()) {
      SearchAttributes sa = m.getTypedSearchAttributes();
      if (!LabWorkflow.TYPE.equals(m.getWorkflowType())) {
        if (sa.containsKey(FailingTask.REPORTED_PROBLEMS)) {
          rows.get(resetsFailing).add(one(Tags.of("workflow", m.getExecution().getWorkflowId())));
        }
        continue;
      }
      String state = Objects.requireNonNullElse(
          sa.get(LabSearchAttributes.STATE), LabState.RESOLVING.name());
      counts.merge(state, 1, Integer::sum);
      var lab = one(Tags.of("lab", m.getExecution().getWorkflowId()));
      perLab.forEach((gauge, test) -> {
        if (test.test(state, sa)) {
          rows.get(gauge).add(lab);
        }
      });
    }
    byState.register(counts.entrySet().stream()
        .map(c -> MultiGauge.Row.of(Tags.of("state", c.getKey()), c.getValue())).toList(), true);
    rows.forEach((gauge, labs) -> gauge.register(labs, true));
  }

  private void readFleets() {
    List<MultiGauge.Row<Number>> skipped = new ArrayList<>();
    List<MultiGauge.Row<Number>> last = new ArrayList<>();
    List<MultiGauge.Row<Number>> pausedNow = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ScheduleDescription d : Fleets.all(schedules)) {
      String fleet = Fleets.name(d);
      ScheduleInfo info = d.getInfo();
      skipped.add(MultiGauge.Row.of(Tags.of("fleet", fleet, "why", "overlap"),
          info.getNumActionsSkippedOverlap()));
      skipped.add(MultiGauge.Row.of(Tags.of("fleet", fleet, "why", "catchup"),
          info.getNumActionsMissedCatchupWindow()));
      pausedNow.add(MultiGauge.Row.of(Tags.of("fleet", fleet),
          d.getSchedule().getState().isPaused() ? 1 : 0));
      lastClosed(d, seen).map(st -> one(Tags.of("fleet", fleet, "status", st)))
          .ifPresent(last::add);
    }
    closed.keySet().retainAll(seen);
    nightsSkipped.register(skipped, true);
    lastNight.register(last, true);
    paused.register(pausedNow, true);
  }

  /** The status of the newest night that closed, of those the Schedule keeps (its last ten). */
  private Optional<String> lastClosed(ScheduleDescription d, Set<String> seen) {
    List<String> running = Fleets.running(d);
    List<String> nights = Fleets.nights(d).stream().filter(id -> !running.contains(id)).toList();
    seen.addAll(nights);
    for (int i = nights.size() - 1; i >= 0; i--) {
      if (closed.containsKey(nights.get(i))) {
        return Optional.of(closed.get(nights.get(i)));
      }
      Optional<WorkflowExecutionDescription> night = Runs.newest(client, nights.get(i));
      if (night.isEmpty()) {
        return Optional.empty(); // past retention
      }
      if (!Runs.running(night.get())) {
        closed.put(nights.get(i), StatusPrinter.name(night.get().getStatus()));
        return Optional.of(closed.get(nights.get(i)));
      }
    }
    return Optional.empty();
  }

  private static MultiGauge.Row<Number> one(Tags tags) {
    return MultiGauge.Row.of(tags, (Number) 1);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
