package io.labflow.activities.common;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bounded wait on AWS: what it waits for, how long it has waited and its bound, said in every
 * heartbeat's details and in the worker log (on the first poll, then once a minute), and the
 * sentence for when the bound is reached. Every poll loop of the step library goes through one.
 */
public final class Waiting {

  private static final Logger log = LoggerFactory.getLogger(Waiting.class);
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final String what;
  private final Duration bound;
  private final Instant start = Instant.now();
  private final Consumer<String> heartbeat;
  private Instant logged;
  private int polls;

  /**
   * @param what what the wait is doing, as a phrase: "waiting for stack s to be created",
   *     "associating profile p with instance i"
   * @param bound how long at most
   */
  public Waiting(String what, Duration bound) {
    this(what, bound, Heartbeats::beat);
  }

  Waiting(String what, Duration bound, Consumer<String> heartbeat) {
    this.what = what;
    this.bound = bound;
    this.heartbeat = heartbeat;
  }

  /** The bound of this wait. */
  public Duration bound() {
    return bound;
  }

  /**
   * Says where the wait stands before the next poll: heartbeats it, and logs it on the first poll
   * and then once a minute.
   *
   * @param state what the last poll saw (a stack status), or null
   */
  public void poll(String state) {
    polls++;
    String detail = detail(state);
    heartbeat.accept(detail);
    Instant now = Instant.now();
    if (logged == null || !now.isBefore(logged.plus(LOG_EVERY))) {
      logged = now;
      log.info("{}", detail);
    }
  }

  /** Whether waiting {@code next} more would pass the bound. */
  public boolean wouldPassBound(Duration next) {
    return Instant.now().plus(next).isAfter(start.plus(bound));
  }

  /** The sentence for a wait that reached its bound; also logged. */
  public String gaveUp(String state) {
    String s = "gave up " + what + " after " + format(elapsed()) + " (its bound is "
        + format(bound) + ")" + (state == null ? "" : "; it is still " + state);
    log.warn("{}", s);
    return s;
  }

  String detail(String state) {
    return what + (state == null ? "" : " (now " + state + ")") + ": "
        + format(elapsed()) + " of at most " + format(bound) + ", poll " + polls;
  }

  private Duration elapsed() {
    return Duration.between(start, Instant.now());
  }

  /** A duration as people write it: {@code 250ms}, {@code 45s}, {@code 2m 5s}, {@code 1h 30m}. */
  public static String format(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append("h ");
    }
    if (s % 3600 >= 60) {
      b.append(s % 3600 / 60).append("m ");
    }
    if (s % 60 > 0 || s < 60) {
      b.append(s % 60).append("s");
    }
    return b.toString().strip();
  }
}
