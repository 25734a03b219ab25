package io.labflow.activities.cloudformation;

import io.labflow.activities.common.Waiting;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Which stack states a delete must wait out, and the bounded, heartbeating waits on a stack. */
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
   * saying so on every poll. Returns the last state seen, or null when it disappeared.
   */
  static Stack settle(Function<String, Optional<Stack>> describe, Stack stack, StackWaits waits) {
    Waiting wait = new Waiting(
        "waiting for stack " + stack.stackName() + " to settle before deleting it", waits.settle());
    Stack last = pollWhile(describe, stack, StackStates::isBusy, wait, waits.poll());
    if (last != null && isBusy(last.stackStatusAsString())) {
      log.warn("{}; deleting it anyway", wait.gaveUp(last.stackStatusAsString()));
    }
    return last;
  }

  /**
   * Polls the stack (by id) while {@code busy} holds for its status and the wait's bound allows
   * another poll, saying where the wait stands before each poll. Returns the last state seen (still
   * busy when the bound was reached), or null when the stack disappeared.
   */
  static Stack pollWhile(
      Function<String, Optional<Stack>> describe,
      Stack stack,
      Predicate<String> busy,
      Waiting wait,
      Duration poll) {
    Stack last = stack;
    while (busy.test(last.stackStatusAsString())) {
      Duration pause = wait.interval(poll);
      if (wait.wouldPassBound(pause)) {
        break;
      }
      wait.poll(last.stackStatusAsString());
      wait.sleep(pause);
      Optional<Stack> now = describe.apply(last.stackId());
      if (now.isEmpty()) {
        return null;
      }
      last = now.get();
    }
    return last;
  }
}
