package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.map;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.StatsReporter;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** A live lab's lifetime: extend within maxLifetime, the warning before expiry, then teardown. */
@Timeout(90)
@Tag("fast")
class LabWorkflowLifetimeTest {

  /** Counters as the worker's metrics scope reports them, by name and definition. */
  static final Map<String, Long> COUNTERS = new ConcurrentHashMap<>();

  static final Scope METRICS =
      new RootScopeBuilder()
          .reporter(new CountingReporter())
          .reportEvery(com.uber.m3.util.Duration.ofSeconds(3600));

  @RegisterExtension
  static final TestWorkflowExtension ENV =
      LabTestEnv.builder(DefaultDataConverter.STANDARD_INSTANCE).setMetricsScope(METRICS).build();

  @Test
  void extendMovesTheDeadlineWithinMaxLifetimeAndTheLabWarnsBeforeItExpires(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    LabTestEnv.reset();
    Definition d =
        definition("short-lived")
            .keepAlive(Duration.ofHours(1))
            .lifetime(Duration.ofHours(3), Duration.ofMinutes(15))
            .steps(create("a"))
            .build();
    LabWorkflow lab = start(client, worker, "lab-lifetime", d, null);
    String until = awaitState(lab, LabState.LIVE).until();
    assertThat(details(lab)).contains("**Time left:** 1h 0m (until " + until + ")")
        .doesNotContain("Expires soon");

    LabStatus extended = lab.extend(RawJson.of("2h"));
    assertThat(extended.state()).isEqualTo(LabState.LIVE);
    // The status says when, as the details do: `labflow status` prints it.
    assertThat(Duration.between(OffsetDateTime.parse(until), OffsetDateTime.parse(extended.until())))
        .isEqualTo(Duration.ofHours(2));
    assertThat(details(lab)).contains("**Time left:** 3h 0m (until " + extended.until() + ")");
    Throwable tooLong = catchThrowable(() -> lab.extend(RawJson.of("1m")));
    assertThat(tooLong).isInstanceOf(WorkflowUpdateException.class);
    assertThat(((ApplicationFailure) tooLong.getCause()).getOriginalMessage())
        .startsWith("extend: lab lab-lifetime may stay live at most 3h (its maxLifetime), until ");

    env.sleep(Duration.ofMinutes(170));
    awaitDetails(lab, "**Expires soon:** the lab tears itself down at ");

    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    // The first wait (cancelled by the extension), the wait for the warning, the wait for the end.
    assertThat(LabWorkflowConsoleTest.summaries(client, "lab-lifetime", EventType.EVENT_TYPE_TIMER_STARTED))
        .hasSize(3)
        .allMatch(s -> s.startsWith("live until "));
    assertThat(client.fetchHistory("lab-lifetime").getEvents())
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED)
        .hasSize(1);
    METRICS.close();
    assertThat(COUNTERS).containsEntry("labflow_lab_expiry_warnings short-lived", 1L);
  }

  @Test
  void theStateChangeLineSaysWhetherTheKeepAliveRanOutOrATeardownWasAskedFor(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    LabTestEnv.reset();
    Definition d =
        definition("switchable")
            .variant("a", map("v", "1"))
            .variant("b", map("v", "2"))
            .keepAlive(Duration.ofHours(1))
            .lifetime(Duration.ofHours(3), Duration.ofMinutes(15))
            .steps(create("x"))
            .build();
    Logger logger = (Logger) LoggerFactory.getLogger(StateChanges.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      // Switched halfway through its keep-alive, then left to run out: the lab's own teardown.
      LabWorkflow switched = start(client, worker, "lab-switched", d, "a");
      awaitState(switched, LabState.LIVE);
      env.sleep(Duration.ofMinutes(30));
      switched.switchVariant(RawJson.of("b"));
      WorkflowStub.fromTyped(switched).getResult(LabResult.class);
      // Extended past its keep-alive, then torn down on request.
      LabWorkflow extended = start(client, worker, "lab-extended", d, "a");
      awaitState(extended, LabState.LIVE);
      extended.extend(RawJson.of("2h"));
      env.sleep(Duration.ofMinutes(90));
      extended.teardown(null);
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(l -> l.contains("LIVE -> TEARING_DOWN"))
        .satisfiesExactly(
            l -> assertThat(l).startsWith("lab lab-switched: LIVE -> TEARING_DOWN (keep-alive over,"
                + " live until "),
            l -> assertThat(l).isEqualTo("lab lab-extended: LIVE -> TEARING_DOWN (teardown requested)"));
  }

  private static String details(LabWorkflow lab) {
    return WorkflowStub.fromTyped(lab)
        .query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();
  }

  /** Polls the details (in real time, as LabPolling does the status) until they hold the text. */
  private static void awaitDetails(LabWorkflow lab, String text) {
    LabTestEnv.awaitStatus(lab, s -> details(lab).contains(text));
  }

  /** Keeps the counters the scope reports. */
  static final class CountingReporter implements StatsReporter {
    @Override
    public void reportCounter(String name, Map<String, String> tags, long value) {
      COUNTERS.merge(name + " " + tags.getOrDefault("definition", "-"), value, Long::sum);
    }

    @Override
    public void reportGauge(String name, Map<String, String> tags, double value) {}

    @Override
    public void reportTimer(String name, Map<String, String> tags, com.uber.m3.util.Duration d) {}

    @Override
    public void reportHistogramValueSamples(
        String name, Map<String, String> tags, Buckets b, double lo, double hi, long n) {}

    @Override
    public void reportHistogramDurationSamples(
        String name, Map<String, String> tags, Buckets b, com.uber.m3.util.Duration lo,
        com.uber.m3.util.Duration hi, long n) {}

    @Override
    public Capabilities capabilities() {
      return CapableOf.REPORTING;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
