package io.labflow.workflows.lab;

import java.util.List;

/**
 * What a finished lab returns.
 *
 * @param labId the lab id
 * @param state the final state: COMPLETED, TORN_DOWN or ROLLED_BACK (a failed lab fails the
 *     workflow instead)
 * @param steps the final status of every step
 */
public record LabResult(String labId, LabState state, List<StepStatus> steps) {}
