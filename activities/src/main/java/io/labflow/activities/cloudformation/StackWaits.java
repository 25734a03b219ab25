package io.labflow.activities.cloudformation;

import java.time.Duration;

/**
 * How CloudFormation waits poll and how long they last.
 *
 * @param poll between two DescribeStacks polls (each poll heartbeats)
 * @param settle how long a stack still being created or updated (someone's create, a lost run's)
 *     is waited for before it is deleted anyway
 * @param delete how long a stack deletion is waited for
 */
public record StackWaits(Duration poll, Duration settle, Duration delete) {

  /** Five-second polls, ten minutes to settle, thirty to delete. */
  public static StackWaits defaults() {
    return new StackWaits(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMinutes(30));
  }
}
