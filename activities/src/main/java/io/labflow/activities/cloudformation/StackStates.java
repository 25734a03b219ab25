package io.labflow.activities.cloudformation;

import io.labflow.activities.common.Heartbeats;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Which stack states a delete must wait out, and the bounded, heartbeating wait for them. */
final class StackStates {

  private static final Logger log = LoggerFactory.getLogger(StackStates.class);

  private StackStates() {}

  /**
   * Whether the stack is busy with something other than its deletion (being created, updated or
   * rolled back). REVIEW_IN_PROGRESS (a change set never executed) holds no resources and is not.
   */
  static boolean isBusy(String status) {
    return status != null
        && status.endsWith("_IN_PROGRESS")
        && !status.equals("DELETE_IN_PROGRESS")
        && !status.equals("REVIEW_IN_PROGRESS");
  }

  /**
   * Polls the stack (by id) until it is no longer busy or {@link StackWaits#settle} has passed,
   * heartbeating on every poll. Returns the last state seen, or null when it disappeared.
   */
  static Stack settle(Function<String, Optional<Stack>> describe, Stack stack, StackWaits waits) {
    Instant deadline = Instant.now().plus(waits.settle());
    Stack last = stack;
    int poll = 0;
    while (isBusy(last.stackStatusAsString())) {
      if (Instant.now().plus(waits.poll()).isAfter(deadline)) {
        log.warn("stack {} still {} after {}; deleting it anyway", last.stackName(),
            last.stackStatusAsString(), waits.settle());
        return last;
      }
      Heartbeats.beat("waiting for stack " + last.stackName() + " (" + last.stackStatusAsString()
          + ") to settle before deleting it (poll " + ++poll + ")");
      Heartbeats.sleep(waits.poll());
      Optional<Stack> now = describe.apply(last.stackId());
      if (now.isEmpty()) {
        return null;
      }
      last = now.get();
    }
    return last;
  }
}
