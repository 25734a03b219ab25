package io.labflow.worker.doctor;

import io.labflow.activities.preflight.AwsPreflight;
import io.grpc.StatusRuntimeException;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import java.util.List;

/**
 * The Temporal side: whether the server of the standard client configuration answers, and whether
 * a worker polls the task queue ({@link Pollers}, as every command that needs a worker asks).
 */
final class TemporalCheck {

  private TemporalCheck() {}

  static List<Row> rows(Doctor s) {
    String where;
    try {
      var profile = TemporalConnection.loadProfile();
      where = (profile.getAddress() == null ? "localhost:7233" : profile.getAddress())
          + ", namespace " + (profile.getNamespace() == null ? "default" : profile.getNamespace());
    } catch (RuntimeException e) {
      return List.of(Row.fail("Temporal", AwsPreflight.firstLine(e.getMessage()),
          "correct TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE"));
    }
    try (TemporalConnection conn = TemporalConnection.open()) {
      boolean polled = Pollers.polled(conn, s.taskQueue());
      return List.of(Row.ok("Temporal", "answers at " + where), polled
          ? Row.ok("task queue " + s.taskQueue(), "a worker polls it (workflow and activity pollers"
              + " within the last " + Pollers.FRESH.toSeconds() + " s)")
          : Row.fail("task queue " + s.taskQueue(), Pollers.none(s.taskQueue()), null));
    } catch (StatusRuntimeException e) {
      return List.of(
          Row.fail("Temporal", "no answer at " + where + " (" + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null ? "" : ": "
              + AwsPreflight.firstLine(e.getStatus().getDescription())) + ")",
              "set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (or TEMPORAL_PROFILE), or start the"
              + " local stack with ./scripts/stack up"),
          Row.unknown("task queue " + s.taskQueue(), "Temporal did not answer"));
    }
  }
}
