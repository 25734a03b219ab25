package io.labflow.worker.reset;

import java.util.Map;

/**
 * Input of {@link LabResetWorkflow}: which lab to rebuild and how.
 *
 * @param labId the lab's id (the workflow id of its live run)
 * @param definition the definition's name in the worker's definitions directory
 * @param variant the variant of the fresh lab; null takes the definition's default
 * @param parameters run parameters; null means none
 */
public record ResetRequest(
    String labId, String definition, String variant, Map<String, Object> parameters) {}
