package io.labflow.workflows.fleet;

import io.labflow.workflows.lab.LabIds;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A class of labs reset together every night by one Temporal Schedule ({@code fleet-<name>}).
 *
 * @param name the fleet's name
 * @param description free text, may be null
 * @param definition the step file every lab runs (a name in the worker's definitions directory)
 * @param labs every lab, shared variant and parameters applied; ids unique
 * @param schedule when the fleet is reset
 * @param concurrency how many labs reset at once
 * @param quarantineAfter consecutive failed resets after which a lab is left alone until released
 * @param quotaShortfall what a night does when its labs do not all fit the AWS account's quotas:
 *     {@link FleetKeys#AS_MANY_AS_FIT} (the first labs that fit) or {@link FleetKeys#NONE}
 */
public record Fleet(
    String name,
    String description,
    String definition,
    List<FleetLab> labs,
    FleetSchedule schedule,
    int concurrency,
    int quarantineAfter,
    String quotaShortfall) {

  private static final Pattern NAME = Pattern.compile(FleetKeys.NAME_PATTERN);

  public Fleet {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("fleet name '" + name + "' must match " + FleetKeys.NAME_PATTERN);
    }
    if (definition == null || definition.isBlank()) {
      throw new IllegalArgumentException("definition is required");
    }
    labs = List.copyOf(labs);
    if (labs.isEmpty() || labs.size() > FleetKeys.MAX_LABS) {
      throw new IllegalArgumentException("a fleet has 1 to " + FleetKeys.MAX_LABS + " labs");
    }
    Set<String> ids = new HashSet<>();
    for (FleetLab lab : labs) {
      if (!ids.add(lab.id())) {
        throw new IllegalArgumentException("lab '" + lab.id() + "' is listed twice");
      }
    }
    if (schedule == null) {
      throw new IllegalArgumentException("schedule is required");
    }
    if (concurrency < 1 || concurrency > FleetKeys.MAX_CONCURRENCY) {
      throw new IllegalArgumentException("concurrency must be 1 to " + FleetKeys.MAX_CONCURRENCY);
    }
    if (quarantineAfter < 1 || quarantineAfter > FleetKeys.MAX_QUARANTINE_AFTER) {
      throw new IllegalArgumentException("quarantineAfter must be 1 to " + FleetKeys.MAX_QUARANTINE_AFTER);
    }
    if (!FleetKeys.QUOTA_SHORTFALL.contains(quotaShortfall)) {
      throw new IllegalArgumentException("quotaShortfall must be one of " + FleetKeys.QUOTA_SHORTFALL);
    }
  }

  /** The id of the fleet's Temporal Schedule. */
  public String scheduleId() {
    return scheduleId(name);
  }

  /** The id of a fleet's Temporal Schedule. */
  public static String scheduleId(String fleetName) {
    return LabIds.FLEET_PREFIX + fleetName;
  }

  /** The lab of this id, or null. */
  public FleetLab lab(String id) {
    return labs.stream().filter(l -> l.id().equals(id)).findFirst().orElse(null);
  }
}
