package io.labflow.workflows.interpreter;

import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabMeters;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.model.Definition;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A live lab's lifetime: the keep-alive deadline, the {@code extend} Update that moves it (never
 * past the definition's maximum lifetime), and the warning shortly before it, in the details and
 * as the counter {@code labflow_lab_expiry_warnings_total{definition}}.
 */
final class LabLifetime {

  private static final Logger log = Workflow.getLogger(LabLifetime.class);

  private final LabRun run;
  private long liveSince;
  /** When the keep-alive runs out (workflow time, ms); 0 for a lab that cannot be extended. */
  private long deadline;
  /** Whether the lab warned that its keep-alive runs out soon (again after an extension). */
  private boolean warned;

  LabLifetime(LabRun run) {
    this.run = run;
  }

  /**
   * Waits while the lab is live: until it ends (true) or its deadline passes (false), warning once
   * before, again after an extension moved the deadline past the warning. Labs from before version
   * {@code live-lifetime-with-warning} wait on one timer, without warning or extension.
   */
  boolean await() {
    Definition d = run.definition();
    if (Workflow.getVersion("live-lifetime-with-warning", Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      long now = Workflow.currentTimeMillis();
      return LabeledTimer.await(d.keepAlive(), Summaries.keepAlive(now, d.keepAlive()),
          () -> run.state().isFinal());
    }
    liveSince = Workflow.currentTimeMillis();
    moveDeadline(liveSince + d.keepAlive().toMillis());
    run.publishDetails();
    long warning = d.warningBeforeExpiry().toMillis();
    while (true) {
      long now = Workflow.currentTimeMillis();
      if (run.state().isFinal()) {
        return true;
      }
      if (now >= deadline) {
        return false;
      }
      if (!warned && now >= deadline - warning) {
        warned = true;
        Workflow.getMetricsScope().tagged(Map.of("definition", run.definition().name()))
            .counter(LabMeters.EXPIRY_WARNINGS).inc(1);
        log.info("lab {}: expires at {}", run.labId(), run.liveUntil());
        run.publishDetails();
        continue;
      }
      long until = warned ? deadline : deadline - warning;
      long seen = deadline;
      String summary = Summaries.keepAlive(now, Duration.ofMillis(deadline - now))
          + (warned ? "" : "; warns at " + Summaries.at(until, Duration.ZERO));
      LabeledTimer.cancellable(
          Duration.ofMillis(until - now), summary, () -> run.state().isFinal() || deadline != seen);
    }
  }

  /** Rejects an extension unless the lab is live, extendable and stays within its lifetime. */
  void admit(Duration extra) {
    UpdateChecks.live(run, "not live");
    if (deadline == 0) {
      throw Failures.reject(FailureTypes.NOT_LIVE,
          "extend: lab " + run.labId() + " started before labs could be extended");
    }
    Duration limit = run.definition().lifetimeLimit();
    long latest = liveSince + limit.toMillis();
    if (deadline + extra.toMillis() > latest) {
      String which = run.definition().maxLifetime() == null
          ? "its keepAlive; set maxLifetime to allow more" : "its maxLifetime";
      throw Failures.reject(FailureTypes.INVALID_ARGUMENT, "extend: lab " + run.labId()
          + " may stay live at most " + Durations.format(limit) + " (" + which + "), until "
          + Summaries.at(latest, Duration.ZERO) + "; it is live until " + run.liveUntil());
    }
  }

  /** Moves the deadline later, if admitted; the warning comes again when it is no longer close. */
  void extend(Duration extra) {
    admit(extra);
    moveDeadline(deadline + extra.toMillis());
    long warning = run.definition().warningBeforeExpiry().toMillis();
    warned &= Workflow.currentTimeMillis() >= deadline - warning;
    log.info("lab {}: extended by {}, live until {}", run.labId(), Durations.format(extra),
        run.liveUntil());
    run.publishDetails();
  }

  private void moveDeadline(long at) {
    deadline = at;
    run.liveUntil(Summaries.at(at, Duration.ZERO));
  }

  /** The time left, for the details, while the lab is live and has a deadline; else empty. */
  String details() {
    return run.state() != LabState.LIVE || deadline == 0 ? "" : LabDetails.timeLeft(
        Duration.ofMillis(deadline - Workflow.currentTimeMillis()), run.liveUntil(), warned);
  }
}
