package io.labflow.workflows.model;

import java.time.Duration;
import java.util.Map;

/**
 * The action that undoes a step.
 *
 * @param action activity type of the undo
 * @param with its input; may reference the step's own outputs when the step completed
 * @param retry its retry policy; null inherits the definition's defaults
 * @param timeout start-to-close timeout of one attempt; null inherits
 */
public record Compensation(
    String action, Map<String, Object> with, RetrySpec retry, Duration timeout) {}
