package io.labflow.worker.fleet;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabIds;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fleets a namespace holds: its Schedules named {@code fleet-NAME} that start {@link
 * FleetResetWorkflow}. labflow reads and changes no other Schedule.
 */
public final class Fleets {

  private Fleets() {}

  public static boolean isFleet(ScheduleDescription d) {
    return d.getId().startsWith(LabIds.FLEET_PREFIX)
        && d.getSchedule().getAction() instanceof ScheduleActionStartWorkflow a
        && FleetResetWorkflow.TYPE.equals(a.getWorkflowType());
  }

  /** The fleet's name: its Schedule's id without {@code fleet-}. */
  public static String name(ScheduleDescription d) {
    return d.getId().substring(LabIds.FLEET_PREFIX.length());
  }

  /**
   * Every fleet's Schedule, described (one call each), in the order the server lists them; one
   * deleted since the listing, which visibility may show a while longer, is passed over.
   */
  public static List<ScheduleDescription> all(ScheduleClient schedules) {
    List<ScheduleDescription> fleets = new ArrayList<>();
    for (ScheduleListDescription s : schedules.listSchedules().toList()) {
      if (!s.getScheduleId().startsWith(LabIds.FLEET_PREFIX)) {
        continue;
      }
      try {
        ScheduleDescription d = schedules.getHandle(s.getScheduleId()).describe();
        if (isFleet(d)) {
          fleets.add(d);
        }
      } catch (RuntimeException e) {
        if (!TemporalConnection.notFound(e)) {
          throw e;
        }
      }
    }
    return fleets;
  }

  /** The nights the Schedule started, oldest first: its last ten, then any still running. */
  public static List<String> nights(ScheduleDescription d) {
    return Stream.concat(
            d.getInfo().getRecentActions().stream().map(ScheduleActionResult::getAction),
            d.getInfo().getRunningActions().stream())
        .filter(ScheduleActionExecutionStartWorkflow.class::isInstance)
        .map(e -> ((ScheduleActionExecutionStartWorkflow) e).getWorkflowId())
        .distinct()
        .toList();
  }

  /** The nights of {@link #nights} that still run. */
  public static List<String> running(ScheduleDescription d) {
    return d.getInfo().getRunningActions().stream()
        .filter(ScheduleActionExecutionStartWorkflow.class::isInstance)
        .map(e -> ((ScheduleActionExecutionStartWorkflow) e).getWorkflowId())
        .toList();
  }
}
