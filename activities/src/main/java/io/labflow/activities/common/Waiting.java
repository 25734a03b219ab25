package io.labflow.activities.common;

import io.labflow.workflows.definition.Durations;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.converter.DataConverterException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * One bounded wait on AWS: what it waits for, how long it has waited and its bound, said in every
 * heartbeat's details and in the worker log (on the first poll, then once a minute), and the
 * sentence for when the bound is reached. Every poll loop of the step library is its {@link
 * #until}, and so is every pause between two polls ({@link #interval}, {@link #sleep}): jittered,
 * and spaced out when many waits of this worker poll at once, so that a fleet's polling stays
 * about flat instead of growing with the number of its labs.
 */
public final class Waiting {

  private static final Logger log = LoggerFactory.getLogger(Waiting.class);
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);
  /**
   * About how many polls a second this worker's waits make together once there are many of them.
   * AWS publishes no rate for CloudFormation's DescribeStacks and IAM's reads, and EC2's Describe
   * bucket refills at 20 a second for the whole account and every caller: a few a second leaves
   * room for the labs' own calls. Up to {@code POLLS_PER_SECOND x base} waits, each polls at its
   * own base interval.
   */
  static final double POLLS_PER_SECOND = 4;
  /** The longest pause when the activity has no heartbeat timeout. */
  static final Duration MAX_PAUSE = Duration.ofMinutes(1);
  /** The waits of this worker now pausing between two polls. */
  private static final AtomicInteger PAUSED = new AtomicInteger();
  /** What this thread's heartbeats carry to the activity's next attempt, made from their detail. */
  private static final ThreadLocal<Function<String, Object>> CARRY = new ThreadLocal<>();

  private final String what;
  private final Duration bound;
  private final Instant start = Instant.now();
  private final Consumer<String> heartbeat;
  private final Duration maxPause;
  private Instant logged;
  private int polls;

  /**
   * @param what what the wait is doing, as a phrase: "waiting for stack s to be created",
   *     "associating profile p with instance i"
   * @param bound how long at most, and no longer than the activity's attempt has left ({@link
   *     #left})
   */
  public Waiting(String what, Duration bound) {
    this(what, left(bound), Waiting::beat, maxPause());
  }

  /**
   * {@code bound}, or what is left of the activity attempt before its StartToClose or
   * ScheduleToClose timeout, less a margin, when that is less: a wait passes its bound by one read
   * at most, which a heartbeat timeout bounds (a tenth of the attempt's time without one), so it
   * ends with its own sentence of what it waited for rather than Temporal's bare timeout.
   */
  private static Duration left(Duration bound) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    Instant started = Instant.ofEpochMilli(info.getStartedTimestamp());
    Instant end = Stream.of(
            timedOut(started, info.getStartToCloseTimeout()),
            timedOut(Instant.ofEpochMilli(info.getScheduledTimestamp()),
                info.getScheduleToCloseTimeout()))
        .flatMap(Optional::stream).min(Instant::compareTo).orElse(null);
    if (end == null) {
      return bound;
    }
    Duration margin = info.getHeartbeatTimeout().isZero()
        ? Duration.between(started, end).dividedBy(10) : info.getHeartbeatTimeout();
    Duration left = Duration.between(Instant.now(), end.minus(margin));
    return left.compareTo(bound) >= 0 ? bound
        : left.isNegative() ? Duration.ZERO : left.truncatedTo(ChronoUnit.SECONDS);
  }

  private static Optional<Instant> timedOut(Instant from, Duration timeout) {
    return timeout == null || timeout.isZero() ? Optional.empty() : Optional.of(from.plus(timeout));
  }

  /** @param maxPause the longest pause between two polls (below the heartbeat timeout) */
  Waiting(String what, Duration bound, Consumer<String> heartbeat, Duration maxPause) {
    this.what = what;
    this.bound = bound;
    this.heartbeat = heartbeat;
    this.maxPause = maxPause;
  }

  /** Records a heartbeat with this detail on the current activity; outside an activity, nothing. */
  public static void beat(String detail) {
    Function<String, Object> carry = CARRY.get();
    current().ifPresent(c -> c.heartbeat(carry == null ? detail : carry.apply(detail)));
  }

  /**
   * Runs {@code body} with each heartbeat's details made by {@code carry} from what it says: what
   * the activity hands its next attempt (Temporal keeps the last heartbeat's details, and the SDK
   * sends them with a failure), shown by the Web UI as the pending activity's details.
   */
  public static <T> T carrying(Function<String, Object> carry, Supplier<T> body) {
    CARRY.set(carry);
    try {
      return body.get();
    } finally {
      CARRY.remove();
    }
  }

  /** What the previous attempt's last heartbeat carried, when it is of this type. */
  public static <T> Optional<T> carried(Class<T> type) {
    return current().flatMap(c -> {
      try {
        return c.getHeartbeatDetails(type);
      } catch (DataConverterException notOfThisType) {
        return Optional.empty(); // A detail alone, as every other activity's heartbeat.
      }
    });
  }

  /**
   * The activity this thread runs; empty outside one: the lab inventory and the ownership rules
   * also run in the command line (labflow test) and in unit tests.
   */
  public static Optional<ActivityExecutionContext> current() {
    try {
      return Optional.of(Activity.getExecutionContext());
    } catch (IllegalStateException outsideAnActivity) {
      return Optional.empty();
    }
  }

  /**
   * Calls {@code attempt} until it returns a non-null value or the budget is spent, backing off
   * exponentially (1s doubling to 10s, jittered and spaced by {@link #interval}) between attempts.
   * Returns the last value, or null if the budget ran out (then logged). Cancellation arrives
   * through the heartbeat.
   *
   * @param detail what is being done, as a phrase ("associating p with i")
   */
  public static <T> T untilPresent(String detail, Duration budget, Supplier<T> attempt) {
    return untilPresent(detail, budget, attempt, () -> null);
  }

  /**
   * {@link #untilPresent(String, Duration, Supplier)}, saying in each heartbeat what the last
   * attempt found ({@code state}: "s3:PutObject denied, expected allowed"; null for nothing).
   */
  public static <T> T untilPresent(String detail, Duration budget, Supplier<T> attempt,
      Supplier<String> state) {
    Waiting wait = new Waiting(detail, budget);
    BackoffStrategy backoff = BackoffStrategy.exponentialDelayWithoutJitter(
        Duration.ofSeconds(1), Duration.ofSeconds(10));
    T value =
        wait.until(attempt.get(), attempt, Objects::nonNull, v -> state.get(),
            backoff::computeDelay);
    if (value == null) {
      wait.gaveUp(null);
    }
    return value;
  }

  /** Half the activity's heartbeat timeout, or {@link #MAX_PAUSE} when it has none. */
  private static Duration maxPause() {
    Duration timeout = Activity.getExecutionContext().getInfo().getHeartbeatTimeout();
    return timeout.isZero() ? MAX_PAUSE : timeout.dividedBy(2);
  }

  /**
   * Reads again until {@code done} holds for the last value read or the bound is reached, saying
   * before each pause where the wait stands. A pause that would pass the bound ends at it, for a
   * last read there: a change that lands late in the bound (IAM propagating, with pauses grown to
   * seconds) is still seen, rather than the wait ending up to half its bound early. Returns the
   * last value read.
   *
   * @param first the value read before the wait
   * @param state what a value says of the wait (a stack status), or null
   * @param base the base of the n-th pause (see {@link #interval})
   */
  public <T> T until(T first, Supplier<T> read, Predicate<T> done, Function<T, String> state,
      IntFunction<Duration> base) {
    T last = first;
    for (int n = 1; !done.test(last); n++) {
      long left = remaining().toMillis();
      if (left <= 0) {
        break;
      }
      Duration pause = interval(base.apply(n));
      // Whole milliseconds, as sleep takes them, rounded up: the last read is at the bound.
      pause = pause.toMillis() > left ? Duration.ofMillis(left + 1) : pause;
      poll(state.apply(last));
      sleep(pause);
      last = read.get();
    }
    return last;
  }

  /**
   * Says where the wait stands before the next poll: heartbeats it, and logs it on the first poll
   * and then once a minute.
   *
   * @param state what the last poll saw (a stack status), or null
   */
  void poll(String state) {
    polls++;
    String detail = detail(state);
    heartbeat.accept(detail);
    Instant now = Instant.now();
    if (logged == null || !now.isBefore(logged.plus(LOG_EVERY))) {
      logged = now;
      log.info("{}", detail);
    }
  }

  /**
   * The pause before the next poll: {@code base}, or longer while more than {@code
   * POLLS_PER_SECOND x base} other waits of this worker are pausing (each then waits about as many
   * seconds as it takes the worker to poll all of them at {@value #POLLS_PER_SECOND} a second);
   * jittered by +/-25 %, so that labs started in the same second do not poll in step; and never
   * above the longest pause the activity's heartbeat timeout allows.
   */
  Duration interval(Duration base) {
    double spaced = Math.max(base.toMillis(), PAUSED.get() * 1000 / POLLS_PER_SECOND);
    double jittered = spaced * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, Math.round(Math.min(jittered, maxPause.toMillis()))));
  }

  /** Pauses before the next poll, counted meanwhile among the waits that space each other out. */
  void sleep(Duration pause) {
    PAUSED.incrementAndGet();
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } finally {
      PAUSED.decrementAndGet();
    }
  }

  static int paused() {
    return PAUSED.get();
  }

  /** What is left of the bound; zero or negative once it is reached (less than 1 ms: reached). */
  Duration remaining() {
    return Duration.between(Instant.now(), start.plus(bound));
  }

  /** How the sentence of a wait that reached its bound begins. */
  public static final String GAVE_UP = "gave up ";

  /** The sentence for a wait that reached its bound; also logged. */
  public String gaveUp(String state) {
    String s = GAVE_UP + what + " after " + Durations.format(elapsed()) + " (its bound is "
        + Durations.format(bound) + ")" + (state == null ? "" : "; it is still " + state);
    log.warn("{}", s);
    return s;
  }

  String detail(String state) {
    return what + (state == null ? "" : " (now " + state + ")") + ": " + Durations.format(elapsed())
        + " of at most " + Durations.format(bound) + ", poll " + polls;
  }

  /** Whole seconds from one second on, as a person reads an elapsed time. */
  private Duration elapsed() {
    Duration d = Duration.between(start, Instant.now());
    return d.toSeconds() < 1 ? d.truncatedTo(ChronoUnit.MILLIS) : d.truncatedTo(ChronoUnit.SECONDS);
  }
}
