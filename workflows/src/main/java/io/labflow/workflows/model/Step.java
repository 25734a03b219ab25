package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step of a definition: either an action, or a parallel group whose branches are steps.
 *
 * @param id unique id, lowercase letters, digits and dashes
 * @param action activity type to run; null for a parallel group
 * @param with the input of the action; strings may hold {@code ${...}} expressions
 * @param retry retry policy; null inherits the defaults
 * @param timeout start-to-close timeout of one attempt; null inherits
 * @param scheduleToClose bound on all attempts; null inherits
 * @param heartbeat heartbeat timeout; null inherits
 * @param compensate how to undo the step; may be null
 * @param onFailure what a failure does; null inherits
 * @param parallel the branches of a parallel group, each one step; empty for an action step
 * @param line the line of the step in its file, for messages; 0 when unknown
 */
public record Step(
    String id,
    String action,
    Map<String, Object> with,
    RetrySpec retry,
    Duration timeout,
    Duration scheduleToClose,
    Duration heartbeat,
    Compensation compensate,
    OnFailure onFailure,
    List<Step> parallel,
    int line) {

  /** Whether this step is a parallel group rather than an action. */
  @JsonIgnore
  public boolean isParallel() {
    return parallel != null && !parallel.isEmpty();
  }
}
