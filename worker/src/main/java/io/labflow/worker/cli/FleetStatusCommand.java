package io.labflow.worker.cli;

import static io.labflow.worker.client.LabFollower.QUERY_TIMEOUT;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.labflow.worker.client.ActivityProgress;
import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetDetails;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.Fleets;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.fleet.Quarantine;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.fleet.FleetSchedule;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleDescription;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = {
    "Shows a fleet: its schedule, the latest night's report and each lab's current state.",
    "The report gives per lab ok with duration, failed with step and error, quarantined or skipped,",
    "and totals; the current states come from visibility."})
final class FleetStatusCommand extends FleetCommand.OnFleet {

  @Option(names = "--json", description = "Print JSON for scripts.") boolean json;

  /** What a paused fleet does, said by {@code fleet status} and {@code fleet list}. */
  static final String WHILE_PAUSED = "Paused: no night starts until it is unpaused, and its labs"
      + " are not reset meanwhile (LabflowFleetPaused fires after a day). Unpause: labflow fleet"
      + " unpause ";

  /** A night as found: its workflow id, status, report (null while unknown) and failure. */
  record Night(String workflowId, String status, FleetReport report, String failure) {
    /** A night the schedule lists that its namespace no longer holds. */
    static Night pastRetention(String workflowId) {
      return new Night(workflowId, "NOT FOUND", null,
          "no longer on the server (past its namespace's retention)");
    }
  }

  /**
   * The schedule as {@code --json} shows it; {@code note} says why a paused one is (none when
   * active), {@code next} is empty when no night is due; the nights it did not start since it was
   * created, {@code skipped} because one still ran and {@code missed} past the catch-up window.
   */
  record When(String id, boolean paused, @JsonInclude(JsonInclude.Include.NON_NULL) String note,
      String cron, String timeZone, String next, long skipped, long missed) {
    static When of(ScheduleDescription d) {
      boolean paused = d.getSchedule().getState().isPaused();
      FleetSchedule when = FleetSchedules.when(d);
      Instant next = FleetSchedules.next(d);
      return new When(d.getId(), paused, paused ? d.getSchedule().getState().getNote() : null,
          when.cron(), when.timeZone(), next == null ? "" : next.toString(),
          d.getInfo().getNumActionsSkippedOverlap(), d.getInfo().getNumActionsMissedCatchupWindow());
    }

    /** The nights not started, when there are any, as the text output says them. */
    String notStarted() {
      return skipped + missed == 0 ? "" : skipped + " skipped (one still ran), " + missed
          + " missed (not started within the catch-up window)";
    }
  }

  /**
   * A lab's row: the latest night's entry (null when none), whether it is in quarantine after
   * the last completed night and not released (null when that night is past retention), its
   * state now, and, while a reset or its run is busy, what it is doing (null otherwise).
   */
  record Row(String labId, LabReport lastNight, Boolean quarantined, String state,
      @JsonInclude(JsonInclude.Include.NON_NULL) String doing) {}

  /** What {@code --json} prints; totals and quota only once a night has a report. */
  record Json(String fleet, When schedule, String definition, int concurrency, int quarantineAfter,
      Night latestNight, List<Row> labs,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<LabReport.Outcome, Integer> totals,
      @JsonInclude(JsonInclude.Include.NON_NULL) String quota) {}

  @Override
  public Integer call() throws Exception {
    TemporalConnection conn = connect();
    ScheduleDescription d = FleetCommand.describe(conn, name);
    FleetRequest request = FleetSchedules.request(d);
    FleetSchedule when = FleetSchedules.when(d);
    List<String> nights = Fleets.nights(d);
    Night latest = nights.isEmpty() ? null : night(conn, nights.get(nights.size() - 1), err());
    Night last = latest != null && "COMPLETED".equals(latest.status())
        ? latest : lastCompleted(conn, d);
    FleetReport completed = last == null ? null : last.report();
    boolean unknown = last != null && completed == null;
    Map<String, String> states = labStates(conn, request);
    When schedule = When.of(d);
    FleetReport shown = latest == null ? null : latest.report();
    List<Row> rows = request.labs().stream().map(FleetLab::labId).map(lab -> new Row(lab,
        shown == null ? null : shown.lab(lab),
        unknown ? null : Quarantine.before(completed == null ? null : completed.lab(lab),
            request.releases().get(lab)).quarantined(),
        states.getOrDefault(lab, "NOT_RUNNING"), shown != null && shown.lab(lab) != null
            && shown.lab(lab).outcome() == LabReport.Outcome.RUNNING
            || BUSY.contains(states.get(lab)) ? doing(conn, lab) : null)).toList();
    if (json) {
      StatusPrinter.printJson(new Json(request.fleet(), schedule, request.definition(),
          request.concurrency(), request.quarantineAfter(), latest, rows,
          shown == null ? null : shown.totals(), shown == null ? null : shown.quota()), out());
      return 0;
    }
    out().printf("Fleet %s: schedule %s, %s; next night %s%n", request.fleet(), d.getId(),
        FleetSchedules.state(d), schedule.next().isEmpty() ? "-" : schedule.next());
    // The fleet file's duration syntax (3h, 5m), not ISO-8601.
    out().printf("  \"%s\" %s (catch-up %s, %s); %d labs of %s, %d at a time, quarantine after %d%n",
        when.cron(), when.timeZone(), Durations.format(when.catchupWindow()),
        when.jitter().isZero() ? "no jitter" : "jitter " + Durations.format(when.jitter()),
        request.labs().size(), request.definition(), request.concurrency(),
        request.quarantineAfter());
    if (schedule.paused()) {
      out().println("  " + WHILE_PAUSED + request.fleet() + "; a night now: labflow fleet reset "
          + request.fleet());
    }
    if (!schedule.notStarted().isEmpty()) {
      out().println("  Nights not started since the schedule was created: "
          + schedule.notStarted());
    }
    if (latest == null) {
      out().println("No night has run yet (run one now: labflow fleet reset " + request.fleet() + ")");
    } else {
      out().printf("Latest night %s: %s%s%n", latest.workflowId(), latest.status(),
          latest.failure() == null ? "" : ": " + latest.failure());
      printWebUi(latest.workflowId());
    }
    if (shown != null) {
      out().println("Totals: " + FleetDetails.totals(shown));
      if (shown.quota() != null) {
        out().println("Quotas: " + shown.quota());
      }
    }
    if (unknown) {
      out().println("Quarantine unknown: night " + last.workflowId() + ", the latest that may have"
          + " completed, is " + last.failure() + "; the next night still reads its report");
    }
    table(rows).forEach(out()::println);
    return 0;
  }

  /** The labs' table: each column as wide as its widest value, as {@code list}'s. */
  static List<String> table(List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"LAB", "LAST NIGHT", "DURATION", "STEP", "STATE", "DETAIL"});
    for (Row row : rows) {
      LabReport r = row.lastNight();
      cells.add(new String[] {row.labId(), r == null ? "-" : FleetDetails.outcome(r),
          r == null || r.durationMs() == 0 ? "" : FleetDetails.seconds(r.durationMs()),
          r == null || r.step() == null ? "" : r.step(), row.state(),
          r != null && r.error() != null ? r.error() : row.doing() == null ? "" : row.doing()});
    }
    return FleetDetails.columns(cells);
  }

  /**
   * The most recent completed night (its report is what the next night reads); a night past
   * retention, when one is met first (with every older one gone too, which completed is unknown);
   * or null. A night that has not completed is not queried: it has no such report, and one no
   * worker answers would hold the command for the query's bound.
   */
  static Night lastCompleted(TemporalConnection conn, ScheduleDescription d) {
    List<String> ids = Fleets.nights(d);
    for (int i = ids.size() - 1; i >= 0; i--) {
      Optional<WorkflowExecutionDescription> night = Runs.newest(conn.client(), ids.get(i));
      if (night.isEmpty()) {
        return Night.pastRetention(ids.get(i));
      }
      if (night.get().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        return new Night(ids.get(i), "COMPLETED", conn.client().newUntypedWorkflowStub(ids.get(i))
            .getResult(FleetReport.class), null);
      }
    }
    return null;
  }

  /** The night as found; a running night's report query not answered at once is said on err. */
  static Night night(TemporalConnection conn, String workflowId, PrintWriter err)
      throws InterruptedException {
    WorkflowStub stub = conn.client().newUntypedWorkflowStub(workflowId);
    WorkflowExecutionDescription desc = Runs.newest(conn.client(), workflowId).orElse(null);
    if (desc == null) {
      return Night.pastRetention(workflowId);
    }
    WorkflowExecutionStatus s = desc.getStatus();
    String status = StatusPrinter.name(s);
    // The server refuses the report query of a night whose workflow task keeps failing.
    Optional<String> failing = FailingTask.of(conn.client(), workflowId, desc.getRawDescription());
    if (failing.isPresent()) {
      return new Night(workflowId, status, null, failing.get());
    }
    try {
      // A night that did not complete has no result: waiting for it throws its failure.
      // A query no worker takes would wait a minute, then read as an unreachable Temporal.
      FleetReport report = s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? LabFollower.within(QUERY_TIMEOUT, LabFollower.asking(err, "night " + workflowId
              + " for its report", desc.getTaskQueue()),
              () -> stub.query("report", FleetReport.class))
          : stub.getResult(FleetReport.class);
      return new Night(workflowId, status, report, null);
    } catch (TimeoutException e) {
      return new Night(workflowId, status, null, "no answer to its report query within "
          + QUERY_TIMEOUT.toSeconds() + " s; is a worker polling task queue "
          + desc.getTaskQueue() + "?");
    } catch (RuntimeException e) {
      return new Night(workflowId, status, null, Main.describe(e));
    }
  }

  /** The lab states in which a lab's run or reset does something (a reset of one lab too). */
  private static final Set<String> BUSY = Stream.of(LabState.values())
      .filter(s -> !s.isFinal() && s != LabState.LIVE && s != LabState.PAUSED)
      .map(LabState::name).collect(Collectors.toSet());

  /**
   * What a lab a reset is resetting does now: the pending activity of its run (provisioning, or
   * the teardown before the sweep), else of its reset (the sweep), with what its heartbeat says it
   * waits for, as {@code labflow status} shows it; "" when neither has one.
   */
  static String doing(TemporalConnection conn, String labId) {
    for (String id : List.of(labId, LabIds.resetId(labId))) {
      for (PendingActivityInfo pa : Runs.newest(conn.client(), id).map(d -> d.getRawDescription()
          .getPendingActivitiesList()).orElse(List.of())) {
        return ActivityProgress.line(conn.client().getOptions().getDataConverter(), pa);
      }
    }
    return "";
  }

  /** Each lab's state from visibility: the LabState of its latest run. */
  private static Map<String, String> labStates(TemporalConnection conn, FleetRequest request) {
    Map<String, String> out = new HashMap<>();
    List<String> ids = request.labs().stream().map(FleetLab::labId).toList();
    for (int from = 0; from < ids.size(); from += 50) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + 50));
      String in = String.join(",", batch.stream().map(i -> "'" + i + "'").toList());
      String query = "WorkflowType='" + LabWorkflow.TYPE + "' AND LabId IN (" + in + ")";
      for (WorkflowExecutionMetadata m : conn.client().listExecutions(query).toList()) {
        String lab = m.getTypedSearchAttributes().get(LabSearchAttributes.LAB_ID);
        String state = m.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
        if (lab != null) {
          // Newest first: the first run seen of a lab is its latest.
          out.putIfAbsent(lab, state != null ? state : StatusPrinter.name(m.getStatus()));
        }
      }
    }
    return out;
  }
}
