package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.labflow.worker.client.FailingTask;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.internal.common.SearchAttributesUtil;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lab gauges from what Temporal's visibility lists, and when it does not answer. */
@Tag("fast")
class LabStateGaugesTest {

  @Test
  void eachPausedUndoingOrTaskFailingLabIsItsOwnSeriesBesideTheCountsByState() {
    // A lab with no LabState yet is counted as resolving; one whose workflow task keeps failing is
    // counted in its state too.
    Map<String, String> labs = new LinkedHashMap<>();
    labs.put("l-paused", "PAUSED");
    labs.put("l-rolling", "ROLLING_BACK");
    labs.put("l-tearing", "TEARING_DOWN");
    labs.put("l-live", "LIVE");
    labs.put("l-new", null);
    labs.put("l-stuck", "LIVE|WorkflowTaskFailed");
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) ->
            labs.entrySet().stream().map(e -> execution(e.getKey(), e.getValue())));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LabStateGauges gauges = new LabStateGauges(client, registry)) {
      gauges.refresh();
      assertThat(labsOf(registry, LabflowMeters.LAB_PAUSED)).containsExactly("l-paused");
      assertThat(labsOf(registry, LabflowMeters.LAB_UNDOING)).containsExactly("l-rolling", "l-tearing");
      assertThat(labsOf(registry, LabflowMeters.LAB_TASK_FAILING)).containsExactly("l-stuck");
      assertThat(registry.get(LabflowMeters.LABS).tag("state", "LIVE").gauge().value()).isEqualTo(2);
      assertThat(registry.get(LabflowMeters.LABS).tag("state", "RESOLVING").gauge().value()).isEqualTo(1);
      assertThat(registry.get(LabflowMeters.LABS).tag("state", "TEARING_DOWN").gauge().value()).isEqualTo(1);
      assertThat(registry.get(LabflowMeters.LABS).gauges()).hasSize(LabState.values().length);

      // The rolled-back lab is gone from the listing of open labs, and from its gauge.
      labs.remove("l-rolling");
      gauges.refresh();
      assertThat(labsOf(registry, LabflowMeters.LAB_UNDOING)).containsExactly("l-tearing");
    }
  }

  private static WorkflowExecutionMetadata execution(String id, String state) {
    WorkflowExecutionInfo.Builder info = WorkflowExecutionInfo.newBuilder()
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id));
    // STATE|PROBLEM: a lab Temporal reports a problem of (TemporalReportedProblems).
    if (state != null) {
      SearchAttributes.Builder sa = SearchAttributes.newBuilder()
          .set(LabSearchAttributes.STATE, state.replaceFirst("\\|.*", ""));
      if (state.contains("|")) {
        sa.set(FailingTask.REPORTED_PROBLEMS,
            List.of("category=" + state.replaceFirst(".*\\|", ""), "cause=WorkflowTaskFailedCauseNonDeterministicError"));
      }
      info.setSearchAttributes(SearchAttributesUtil.encodeTyped(sa.build()));
    }
    return new WorkflowExecutionMetadata(info.build(), DefaultDataConverter.STANDARD_INSTANCE);
  }

  private static List<String> labsOf(SimpleMeterRegistry registry, String gauge) {
    return registry.find(gauge).gauges().stream()
        .filter(g -> g.value() == 1).map(g -> g.getId().getTag("lab")).sorted().toList();
  }

  @Test
  void aVisibilityThatRefusesTheCountIsOneWarningNamingTheGauges() {
    // A server without visibility queries (or one that refuses this query) answers every refresh.
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
          throw Status.UNIMPLEMENTED.withDescription("no visibility").asRuntimeException();
        });
    Logger logger = (Logger) LoggerFactory.getLogger(LabStateGauges.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (LabStateGauges gauges = new LabStateGauges(client, new SimpleMeterRegistry())) {
      gauges.refresh();
      gauges.refresh();
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage())
            .contains("labflow_labs", "labflow_lab_paused", "labflow_lab_undoing",
                "labflow_lab_task_failing", "UNIMPLEMENTED"));
  }
}
