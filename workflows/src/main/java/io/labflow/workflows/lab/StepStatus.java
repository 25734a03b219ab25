package io.labflow.workflows.lab;

import java.util.Map;

/**
 * One step's state, as the status query reports it.
 *
 * @param action its activity type
 * @param attempt the attempt number last seen (1 for the first); 0 before it starts
 * @param outputs its outputs once done; empty before
 * @param lastError the last failure message of the step or its compensation; null if none
 */
public record StepStatus(
    String id,
    String action,
    StepState state,
    int attempt,
    Map<String, Object> outputs,
    String lastError) {}
