package io.labflow.workflows.interpreter;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one-line summaries the Temporal Web UI shows next to each activity and timer of a lab (user
 * metadata: they ride on the command that schedules the call, so they cost no history event).
 */
final class Summaries {

  /** The UI shows a line; longer summaries only clutter it. */
  static final int MAX = 120;

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

  private Summaries() {}

  /**
   * {@code create-role: labflow-lab-042-role}, {@code undo create-stack: labflow-lab-042}: the call
   * and the resource it works on: the first input whose name ends in {@code Name} (roleName,
   * stackName, ...), else an ARN or id; the lab id alone names nothing.
   */
  static String call(String head, Map<String, Object> input) {
    return cut(first(input, k -> k.equals("name") || k.endsWith("Name"))
        .or(() -> first(input, k -> (k.endsWith("Arn") || k.endsWith("Id")) && !k.equals("labId")))
        .map(resource -> head + ": " + resource)
        .orElse(head));
  }

  /** {@code live until 2026-12-02T07:20Z, then teardown}. */
  static String keepAlive(long nowMillis, Duration keepAlive) {
    return "live until " + at(nowMillis, keepAlive) + ", then teardown";
  }

  /** {@code paused at attach-policy until 2026-12-02T07:20Z, then rollback}. */
  static String pause(String stepId, long nowMillis, Duration timeout) {
    return cut("paused at " + stepId + " until " + at(nowMillis, timeout) + ", then rollback");
  }

  static String at(long nowMillis, Duration after) {
    return MINUTE.format(Instant.ofEpochMilli(nowMillis).plus(after));
  }

  private static Optional<String> first(Map<String, Object> input, Predicate<String> key) {
    return input.entrySet().stream()
        .filter(e -> key.test(e.getKey()) && e.getValue() instanceof String s && !s.isBlank())
        .map(e -> (String) e.getValue())
        .findFirst();
  }

  private static String cut(String s) {
    return s.length() <= MAX ? s : s.substring(0, MAX - 3) + "...";
  }
}
