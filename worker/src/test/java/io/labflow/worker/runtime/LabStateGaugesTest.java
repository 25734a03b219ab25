package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import io.temporal.api.common.v1.WorkflowType;
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
    // Resets and nights: only one whose task keeps failing is a series, and none is a lab.
    labs.put("reset-l-new", "LabResetWorkflow");
    labs.put("reset-l-stuck", "LabResetWorkflow|WorkflowTaskFailed");
    labs.put("fleet-a-2026-12-07T03:00:00Z", "FleetResetWorkflow|WorkflowTaskTimedOut");
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
          assertThat(args[0]).isEqualTo("WorkflowType IN ('LabWorkflow','LabResetWorkflow',"
              + "'FleetResetWorkflow') AND ExecutionStatus='Running'");
          return labs.entrySet().stream().map(e -> execution(e.getKey(), e.getValue()));
        });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LabStateGauges gauges = new LabStateGauges(client, registry)) {
      gauges.refresh();
      assertThat(labsOf(registry, LabflowMeters.LAB_PAUSED)).containsExactly("l-paused");
      assertThat(labsOf(registry, LabflowMeters.LAB_UNDOING)).containsExactly("l-rolling", "l-tearing");
      assertThat(labsOf(registry, LabflowMeters.LAB_TASK_FAILING)).containsExactly("l-stuck");
      assertThat(registry.find(LabflowMeters.RESET_TASK_FAILING).gauges())
          .extracting(g -> g.getId().getTag("workflow"), g -> g.value()).containsExactlyInAnyOrder(
              tuple("reset-l-stuck", 1.0), tuple("fleet-a-2026-12-07T03:00:00Z", 1.0));
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
    // STATE|PROBLEM: a lab Temporal reports a problem of (TemporalReportedProblems); TYPE instead
    // of STATE: a reset or a night, which has no LabState.
    String type = state != null && state.matches("\\w+ResetWorkflow.*")
        ? state.replaceFirst("\\|.*", "") : "LabWorkflow";
    WorkflowExecutionInfo.Builder info = WorkflowExecutionInfo.newBuilder()
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
        .setType(WorkflowType.newBuilder().setName(type));
    if (state != null) {
      SearchAttributes.Builder sa = SearchAttributes.newBuilder();
      if (type.equals("LabWorkflow")) {
        sa.set(LabSearchAttributes.STATE, state.replaceFirst("\\|.*", ""));
      }
      if (state.contains("|")) {
        sa.set(FailingTask.REPORTED_PROBLEMS,
            List.of("category=" + state.replaceFirst(".*\\|", ""), "cause=WorkflowTaskFailedCauseNonDeterministicError"));
      }
      SearchAttributes built = sa.build();
      if (built.size() > 0) {
        info.setSearchAttributes(SearchAttributesUtil.encodeTyped(built));
      }
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
                "labflow_lab_task_failing", "labflow_reset_task_failing", "UNIMPLEMENTED"));
  }
}
