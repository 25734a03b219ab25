package io.labflow.worker.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.labflow.activities.common.Waiting;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.fleet.FleetKeys;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/** See {@link FleetResetWorkflow}. */
public class FleetResetWorkflowImpl implements FleetResetWorkflow {

  private static final Logger log = Workflow.getLogger(FleetResetWorkflowImpl.class);

  private final FleetActivities fleet = Workflow.newLocalActivityStub(FleetActivities.class,
      LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  /** The version marker of the quota plan at the start of a night. */
  static final String QUOTA_PLAN = "quota-plan";

  private FleetRequest request;
  private FleetRequest.Progress progress;
  private String quotaNote;
  private final Map<String, LabReport> done = new LinkedHashMap<>();
  private final Set<String> running = new LinkedHashSet<>();

  @Override
  public FleetReport run(RawValue input) {
    request = FleetRequest.parse(input);
    progress = request.progress();
    if (progress == null) {
      FleetReport last = FleetRequest.previousReport(Workflow.getLastCompletionResult(JsonNode.class));
      progress = new FleetRequest.Progress(Workflow.currentTimeMillis(), 0, carried(last), List.of(), null);
    }
    progress.done().forEach(r -> done.put(r.labId(), r));
    quotaNote = progress.quota();
    if (progress.next() == 0
        && Workflow.getVersion(QUOTA_PLAN, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // The night's first run: the labs the quotas leave out are recorded now, carried by progress.
      leaveOutOverQuota();
    }
    int end = Math.min(request.labs().size(), progress.next() + LABS_PER_RUN);
    for (int i = progress.next(); i < end; i++) {
      FleetLab lab = request.labs().get(i);
      if (done.containsKey(lab.labId())) {
        continue;
      }
      Quarantine standing = standing(lab.labId());
      if (standing.quarantined()) {
        record(new LabReport(lab.labId(), LabReport.Outcome.QUARANTINED, 0, null,
            "quarantined; release with: labflow fleet release " + lab.labId(),
            standing.consecutiveFailures(), standing.quarantinedAt()));
        continue;
      }
      Workflow.await(() -> running.size() < request.concurrency());
      start(lab, standing);
    }
    Workflow.await(running::isEmpty);
    if (end < request.labs().size()) {
      // Every child of this run has finished: the next run starts with an empty history.
      Workflow.continueAsNew(FleetRequest.toJson(request.withProgress(new FleetRequest.Progress(
          progress.startedAt(), end, progress.previous(), List.copyOf(done.values()), quotaNote))));
    }
    FleetReport report = report(Workflow.currentTimeMillis(), inFleetOrder());
    Workflow.setCurrentDetails(FleetDetails.markdown(report, request.labs().size(), Set.of()));
    log.info(FleetDetails.sentence(report, request.labs().size()));
    FleetDetails.recordNight(Workflow.getMetricsScope(), report, request.labs().size());
    return report;
  }

  private FleetReport report(long finishedAt, List<LabReport> labs) {
    return new FleetReport(request.fleet(), progress.startedAt(), finishedAt, labs, quotaNote);
  }

  private List<LabReport> inFleetOrder() {
    return request.labs().stream().map(lab -> done.get(lab.labId())).filter(Objects::nonNull)
        .toList();
  }

  @Override
  public FleetReport report() {
    if (request == null) {
      return null;
    }
    List<LabReport> labs = new ArrayList<>(inFleetOrder());
    running.forEach(id -> labs.add(new LabReport(id, LabReport.Outcome.RUNNING, 0, null, null, 0, null)));
    return report(0, labs);
  }

  /**
   * Asks which labs the account's quotas leave out tonight (the quarantined are left alone anyway)
   * and records them: not reset, not counted toward quarantine.
   */
  private void leaveOutOverQuota() {
    List<FleetLab> asked = request.labs().stream()
        .filter(lab -> !standing(lab.labId()).quarantined()).toList();
    QuotaPlanner.NightPlan plan = fleet.quotaPlan(request.fleet(), request.definition(), asked,
        FleetKeys.NONE.equals(request.quotaShortfall()));
    if (plan.leftOut().isEmpty()) {
      return;
    }
    quotaNote = plan.reason();
    log.warn("fleet {}: {} labs left out for the account's quotas: {}", request.fleet(),
        plan.leftOut().size(), plan.reason());
    for (String labId : plan.leftOut()) {
      done.put(labId, new LabReport(labId, LabReport.Outcome.OVER_QUOTA, 0, null,
          "left out tonight: quota " + plan.quotas() + " is too small for the fleet (see the"
              + " night's quota note); not reset, not counted toward quarantine",
          standing(labId).consecutiveFailures(), null));
    }
    updateDetails();
  }

  /** A lab's failures in a row and quarantine before tonight, its release applied. */
  private Quarantine standing(String labId) {
    return Quarantine.before(progress.previous().get(labId), request.releases().get(labId));
  }

  /** What a night needs of the last one: labs with failures in a row or in quarantine. */
  private static Map<String, LabReport> carried(FleetReport last) {
    return last == null ? Map.of() : last.labs().stream()
        .filter(r -> r.consecutiveFailures() > 0 || r.quarantined())
        .collect(Collectors.toMap(LabReport::labId, r -> r));
  }

  private void start(FleetLab lab, Quarantine standing) {
    ResetRequest reset = request.resetOf(lab);
    LabResetWorkflow child =
        Workflow.newChildWorkflowStub(LabResetWorkflow.class, reset.childOptions(request.fleet()));
    long began = Workflow.currentTimeMillis();
    running.add(lab.labId());
    // A workflow thread per reset: it may block, and records its lab's entry when the reset ends.
    // The check for a reset started elsewhere runs here too, so checks of many labs overlap.
    Async.procedure(() -> {
      String other = fleet.runningReset(lab.labId());
      if (other != null) {
        running.remove(lab.labId());
        record(skipped(lab, standing, other));
        return;
      }
      LabReport report;
      try {
        child.reset(RawJson.of(reset));
        report = new LabReport(lab.labId(), LabReport.Outcome.OK, Workflow.currentTimeMillis() - began,
            null, null, 0, null);
      } catch (RuntimeException failure) {
        // TemporalFailures, and anything the SDK throws on a start it refused: never lose a lab.
        report = failed(lab, standing, failure, Workflow.currentTimeMillis() - began);
      }
      running.remove(lab.labId());
      record(report);
    });
    updateDetails();
  }

  private LabReport failed(FleetLab lab, Quarantine standing, Throwable failure, long ms) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof WorkflowExecutionAlreadyStarted) {
        return skipped(lab, standing, LabIds.resetId(lab.labId()));
      }
      root = t;
    }
    String type = root instanceof ApplicationFailure af ? af.getType() : root.getClass().getSimpleName();
    String message = root instanceof TemporalFailure tf ? tf.getOriginalMessage() : root.getMessage();
    String step = null;
    if (FailureTypes.LAB_DID_NOT_COME_UP.equals(type)) {
      // The fresh run failed: its status says at which step.
      FleetActivities.FailedStep fs = fleet.failedStep(lab.labId());
      step = fs.step();
      if (fs.error() != null && !fs.error().isBlank()) {
        // The lab's own failure says what went wrong, the reset's only that it ended; but a reset
        // that gave up on a lab still coming up says how long it waited, the lab's error why.
        message = message.startsWith(Waiting.GAVE_UP)
            ? message + "; the lab's last error: " + fs.error() : fs.error();
      }
    }
    Quarantine after =
        standing.afterFailure(type, request.quarantineAfter(), Workflow.currentTimeMillis());
    if (after.quarantined()) {
      try (var about = io.labflow.worker.runtime.LabLogFilter.aboutLab(lab.labId())) {
        log.warn("Lab {} quarantined after {} failed nights", lab.labId(), after.consecutiveFailures());
      }
    }
    return new LabReport(lab.labId(), LabReport.Outcome.FAILED, ms, step, message,
        after.consecutiveFailures(), after.quarantinedAt());
  }

  private static LabReport skipped(FleetLab lab, Quarantine standing, String other) {
    return new LabReport(lab.labId(), LabReport.Outcome.SKIPPED, 0, null,
        "a reset of this lab was already running (" + other + "); it was left to finish",
        standing.consecutiveFailures(), null);
  }

  private void record(LabReport report) {
    done.put(report.labId(), report);
    updateDetails();
  }

  private void updateDetails() {
    FleetReport now = report(0, inFleetOrder());
    Workflow.setCurrentDetails(FleetDetails.markdown(now, request.labs().size(), running));
  }
}
