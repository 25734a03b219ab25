package io.labflow.workflows.fleet;

import io.labflow.workflows.lab.LabIds;
import java.util.Map;

/**
 * One lab of a fleet, with the fleet's shared variant and parameters already applied; as the fleet
 * file gives it and as the fleet's request carries it to the night.
 *
 * @param labId the lab id (the lab-id rule of {@link LabIds})
 * @param variant the variant of the fresh lab; null takes the definition's default
 * @param parameters run parameters
 */
public record FleetLab(String labId, String variant, Map<String, Object> parameters) {}
