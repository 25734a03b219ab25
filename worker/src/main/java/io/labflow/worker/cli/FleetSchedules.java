package io.labflow.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.Fleets;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetKeys;
import io.labflow.workflows.fleet.FleetSchedule;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.common.converter.EncodedValues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A fleet's Temporal Schedule: built from the fleet file, and read back. The server turns cron
 * strings into calendars, so the schedule's action carries the cron as written and a fingerprint
 * of everything {@code fleet apply} sets in its memo: applying an unchanged file changes nothing.
 */
final class FleetSchedules {

  static final String FLEET_MEMO = "labflow.fleet";
  static final String CRON_MEMO = "labflow.cron";
  static final String FINGERPRINT_MEMO = "labflow.fingerprint";

  private FleetSchedules() {}

  /** What a fleet's schedule passes, and when: what {@link #update} rewrites. */
  record Content(FleetSchedule when, FleetRequest request, String taskQueue) {

    /** The schedule of a fleet that passes this, in the given state. */
    Schedule schedule(ScheduleState state) {
      return Schedule.newBuilder()
          .setAction(ScheduleActionStartWorkflow.newBuilder()
              .setWorkflowType(FleetResetWorkflow.TYPE)
              .setArguments(FleetRequest.toJson(request))
              .setOptions(WorkflowOptions.newBuilder()
                  .setWorkflowId(Fleet.scheduleId(request.fleet()))
                  .setTaskQueue(taskQueue)
                  // A night that has not finished by the next one is skipped over, not doubled.
                  .setWorkflowRunTimeout(Duration.ofHours(20))
                  // No static summary: the 1.38 client cannot describe a schedule whose
                  // action has one.
                  .setMemo(Map.of(FLEET_MEMO, request.fleet(), CRON_MEMO, when.cron(),
                      FINGERPRINT_MEMO, fingerprint()))
                  .build())
              .build())
          .setSpec(ScheduleSpec.newBuilder()
              .setCronExpressions(List.of(when.cron()))
              .setTimeZoneName(when.timeZone())
              .setJitter(when.jitter())
              .build())
          .setPolicy(SchedulePolicy.newBuilder()
              .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
              .setCatchupWindow(when.catchupWindow())
              .build())
          .setState(state)
          .build();
    }

    String fingerprint() {
      String text = when + "|" + taskQueue + "|" + FleetRequest.toJson(request);
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 12);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The one way to rewrite a fleet's schedule ({@code fleet apply}, {@code fleet release}): as
   * {@code change} of what it holds now, keeping its state (pause, note). Writes nothing when the
   * fingerprint in its memo says it holds that already; returns whether it wrote.
   */
  static boolean update(ScheduleHandle handle, UnaryOperator<Content> change) {
    AtomicBoolean updated = new AtomicBoolean();
    handle.update(input -> {
      ScheduleDescription d = input.getDescription();
      Content c = change.apply(new Content(when(d), request(d), taskQueue(d)));
      if (c.fingerprint().equals(memo(d, FINGERPRINT_MEMO))) {
        return null;
      }
      updated.set(true);
      return new ScheduleUpdate(c.schedule(d.getSchedule().getState()));
    });
    return updated.get();
  }

  /**
   * Deletes the schedule unless {@code running}, read from it paused, names anything; returns what
   * it named. Paused, the schedule starts no night between the check and the delete. A refused
   * delete leaves the schedule as it was: unpaused (with its note) only when it was unpaused.
   */
  static List<String> deleteUnlessRunning(ScheduleHandle handle,
      Function<ScheduleDescription, List<String>> running) {
    ScheduleState before = handle.describe().getSchedule().getState();
    if (!before.isPaused()) {
      handle.pause("labflow fleet delete: checking what runs before deleting");
    }
    boolean deleted = false;
    try {
      List<String> named = running.apply(handle.describe());
      if (named.isEmpty()) {
        handle.delete();
        deleted = true;
      }
      return named;
    } finally {
      if (!deleted && !before.isPaused()) {
        // The SDK writes its own note for an empty one.
        String note = before.getNote();
        handle.unpause(note == null || note.isEmpty() ? "unpaused: labflow fleet delete refused" : note);
      }
    }
  }

  /** The schedule's state as people read it: active, or paused with its note (why). */
  static String state(ScheduleDescription d) {
    ScheduleState s = d.getSchedule().getState();
    return state(s.isPaused(), s.getNote());
  }

  static String state(boolean paused, String note) {
    return !paused ? "active"
        : note == null || note.isEmpty() ? "paused" : "paused (note: " + note + ")";
  }

  /** When the next night starts, or null when none will (a paused schedule). */
  static Instant next(ScheduleDescription d) {
    // A paused schedule still lists the times its spec gives: none of them runs.
    List<Instant> times = d.getInfo().getNextActionTimes();
    return d.getSchedule().getState().isPaused() || times.isEmpty() ? null : times.get(0);
  }

  static FleetSchedule when(ScheduleDescription d) {
    Schedule s = d.getSchedule();
    String cron = memo(d, CRON_MEMO);
    return new FleetSchedule(cron == null ? "?" : cron,
        s.getSpec().getTimeZoneName() == null || s.getSpec().getTimeZoneName().isEmpty()
            ? FleetKeys.DEFAULT_TIME_ZONE : s.getSpec().getTimeZoneName(),
        s.getPolicy().getCatchupWindow(),
        s.getSpec().getJitter() == null ? Duration.ZERO : s.getSpec().getJitter());
  }

  /** The schedule's action, or a usage error when it is not a fleet schedule. */
  static ScheduleActionStartWorkflow action(ScheduleDescription d) {
    if (!Fleets.isFleet(d)) {
      throw new UsageException("schedule " + d.getId() + " is not a fleet schedule (it does"
          + " not start " + FleetResetWorkflow.TYPE + "); left as it is");
    }
    return (ScheduleActionStartWorkflow) d.getSchedule().getAction();
  }

  /** The fleet request the schedule passes, or a usage error when it is not a fleet schedule. */
  static FleetRequest request(ScheduleDescription d) {
    ScheduleActionStartWorkflow a = action(d);
    try {
      return FleetRequest.parse(a.getArguments().get(0, JsonNode.class));
    } catch (RuntimeException e) {
      throw new UsageException("schedule " + d.getId() + " holds a fleet request that cannot be read: "
          + e.getMessage());
    }
  }

  static String taskQueue(ScheduleDescription d) {
    return action(d).getOptions().getTaskQueue();
  }

  /** A memo of the schedule's action; a described schedule holds each as encoded values. */
  static String memo(ScheduleDescription d, String key) {
    Map<String, Object> memo = action(d).getOptions().getMemo();
    return memo != null && memo.get(key) instanceof EncodedValues v ? v.get(0, String.class) : null;
  }
}
