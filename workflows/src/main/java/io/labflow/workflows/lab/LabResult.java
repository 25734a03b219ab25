package io.labflow.workflows.lab;

import java.util.List;

/** What a finished lab returns, COMPLETED, TORN_DOWN or ROLLED_BACK; a failed lab fails instead. */
public record LabResult(String labId, LabState state, List<StepStatus> steps) {}
