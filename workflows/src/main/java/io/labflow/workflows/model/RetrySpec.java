package io.labflow.workflows.model;

import java.time.Duration;
import java.util.List;

/**
 * A retry policy as written in a step file. Null fields inherit from the definition's defaults.
 *
 * @param initialInterval delay before the first retry
 * @param backoffCoefficient growth factor of the delay
 * @param maximumInterval upper bound of the delay
 * @param maximumAttempts total attempts including the first; 0 means unlimited
 * @param nonRetryable failure types that stop retrying at once
 */
public record RetrySpec(
    Duration initialInterval,
    Double backoffCoefficient,
    Duration maximumInterval,
    Integer maximumAttempts,
    List<String> nonRetryable) {}
