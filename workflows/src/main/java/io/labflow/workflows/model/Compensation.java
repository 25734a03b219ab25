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
 * @param heartbeat heartbeat timeout of one attempt, after which Temporal retries the undo on
 *     another worker; null inherits the definition's default (the loader fills it in for a
 *     long-running action when neither the undo nor the defaults give one)
 */
public record Compensation(
    String action, Map<String, Object> with, RetrySpec retry, Duration timeout, Duration heartbeat) {

  /** An undo without its own heartbeat timeout. */
  public Compensation(String action, Map<String, Object> with, RetrySpec retry, Duration timeout) {
    this(action, with, retry, timeout, null);
  }
}
