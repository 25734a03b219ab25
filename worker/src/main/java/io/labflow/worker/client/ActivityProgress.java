package io.labflow.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a pending activity says it is doing: the last heartbeat's details, as the step library's
 * waits send them ({@code Waiting}): a sentence, or a record with the sentence as {@code doing}
 * when the activity carries what it has done to its next attempt (the sweep's {@code Progress}).
 * The Web UI shows the same details under the pending activity.
 */
public final class ActivityProgress {

  private ActivityProgress() {}

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
   * The sentence and when the activity heartbeated it, for a reader who looks at it later than
   * that: the SDK sends a heartbeat at most every 0.8 x the activity's heartbeat timeout (30 s
   * without one), so its figures are that much older than the reading.
   */
  public static Optional<String> said(DataConverter converter, PendingActivityInfo pa) {
    return doing(converter, pa).map(doing -> doing + " (as of "
        + Instant.ofEpochSecond(pa.getLastHeartbeatTime().getSeconds()) + ")");
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
