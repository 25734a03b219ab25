package io.labflow.workflows.fleet;

import io.labflow.workflows.lab.LabIds;
import java.util.List;

/**
 * A class of labs reset together every night by one Temporal Schedule ({@code fleet-<name>}), as
 * {@link FleetLoader} read it: every rule below is checked there, with the file's line.
 *
 * @param definition the step file every lab runs (a name in the worker's definitions directory)
 * @param labs every lab, shared variant and parameters applied; ids unique
 * @param concurrency how many labs reset at once
 * @param quarantineAfter consecutive failed resets after which a lab is left alone until released
 * @param quotaShortfall what a night does when its labs do not all fit the AWS account's quotas:
 *     {@link FleetKeys#AS_MANY_AS_FIT} (the first labs that fit) or {@link FleetKeys#NONE}
 */
public record Fleet(
    String name,
    String definition,
    List<FleetLab> labs,
    FleetSchedule schedule,
    int concurrency,
    int quarantineAfter,
    String quotaShortfall) {

  public static String scheduleId(String fleetName) {
    return LabIds.FLEET_PREFIX + fleetName;
  }
}
