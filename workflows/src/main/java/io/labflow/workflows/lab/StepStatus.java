package io.labflow.workflows.lab;

import java.util.Map;

/**
 * One step's state, as the status query reports it: the attempt last seen (0 before it starts),
 * its outputs once done, and the last failure of the step or its compensation (or null).
 */
public record StepStatus(
    String id,
    String action,
    StepState state,
    int attempt,
    Map<String, Object> outputs,
    String lastError) {}
