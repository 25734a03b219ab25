package io.labflow.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a pending activity says it is doing: the last heartbeat's details, as the step library's
 * waits send them ({@code Waiting}): a sentence, or a record with the sentence as {@code doing}
 * when the activity carries what it has done to its next attempt (the sweep's {@code Progress}).
 * The Web UI shows the same details under the pending activity.
 */
public final class ActivityProgress {

  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

  /** What was last said of an activity's progress, and when. */
  private record Said(String doing, long at) {}

  private final DataConverter converter;
  private final PrintWriter out;
  private final Map<String, Said> said = new HashMap<>();

  /** Prints on {@code out} what pending activities say, each time it is news ({@link #print}). */
  public ActivityProgress(DataConverter converter, PrintWriter out) {
    this.converter = converter;
    this.out = out;
  }

  /**
   * Prints what a pending activity waits for, from its heartbeat: when first seen, when what it
   * waits for changes (a stack's status), and with its figures at most once a minute meanwhile,
   * so that a long wait (a stack takes minutes on AWS) is never silent.
   */
  public void print(PendingActivityInfo pa) {
    doing(converter, pa).ifPresent(doing -> {
      Said last = said.get(pa.getActivityId());
      long now = System.nanoTime();
      if (last == null || !last.doing().equals(doing) && (now - last.at() >= MINUTE_NANOS
          || !subject(last.doing()).equals(subject(doing)))) {
        said.put(pa.getActivityId(), new Said(doing, now));
        out.printf("  in progress  %s: %s%n", pa.getActivityType().getName(), doing);
      }
    });
  }

  /**
   * {@link #print} for each pending activity of the workflow: for a command that waits for the
   * answer of an Update whose handler runs activities (a learner's check of access while IAM
   * propagates a change).
   */
  public void printFor(WorkflowClient client, String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe().getRawDescription()
          .getPendingActivitiesList().forEach(this::print);
    } catch (RuntimeException e) {
      // Only a progress line lost: the wait for the answer says what went wrong.
    }
  }

  /**
   * A pending activity on one line, as {@code status} and {@code fleet status} show it: its type,
   * its attempt, and what its heartbeat said and when, for a reader who looks at it later than
   * that: a changed heartbeat reaches the server within 10 s ({@code LabWorker.WORKER_OPTIONS}),
   * so its figures are up to that much older than the reading. An attempt not started yet says
   * what it waits for (its retry's backoff, or a worker), and a heartbeat older than the attempt
   * is said to be an earlier attempt's.
   */
  public static String line(DataConverter converter, PendingActivityInfo pa) {
    String attempt = pa.getActivityType().getName() + " attempt " + pa.getAttempt();
    Optional<String> said = doing(converter, pa).map(doing -> doing + " (as of "
        + Instant.ofEpochSecond(pa.getLastHeartbeatTime().getSeconds()) + ")");
    if (pa.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED) {
      boolean earlier = pa.hasLastStartedTime() && pa.getLastHeartbeatTime().getSeconds()
          < pa.getLastStartedTime().getSeconds();
      return attempt + (earlier ? " running since " + Instant.ofEpochSecond(
          pa.getLastStartedTime().getSeconds()) + said.map(d -> "; an earlier attempt said: " + d)
          .orElse("") : said.map(doing -> ": " + doing).orElse(""));
    }
    return attempt + (pa.hasNextAttemptScheduleTime() ? " due at "
        + Instant.ofEpochSecond(pa.getNextAttemptScheduleTime().getSeconds()) + " (retry backoff)"
        : ", waiting for a worker to take it")
        + said.map(doing -> "; an earlier attempt said: " + doing).orElse("");
  }

  /** The sentence, on one line; empty when the activity has not heartbeated one. */
  public static Optional<String> doing(DataConverter converter, PendingActivityInfo pa) {
    if (!pa.hasHeartbeatDetails()) {
      return Optional.empty();
    }
    try {
      JsonNode details = converter.fromPayloads(
          0, Optional.of(pa.getHeartbeatDetails()), JsonNode.class, JsonNode.class);
      JsonNode doing = details != null && details.isObject() ? details.get("doing") : details;
      return doing != null && doing.isTextual()
          ? Optional.of(StatusPrinter.oneLine(doing.asText())) : Optional.empty();
    } catch (DataConverterException notJson) {
      return Optional.empty();
    }
  }

  /**
   * What the sentence says is awaited, without its figures: {@code Waiting} ends it with {@code
   * ": <elapsed> of at most <bound>, poll <n>"}; the whole sentence when it has no such end.
   */
  static String subject(String doing) {
    int figures = doing.lastIndexOf(": ");
    return figures < 0 ? doing : doing.substring(0, figures);
  }
}
