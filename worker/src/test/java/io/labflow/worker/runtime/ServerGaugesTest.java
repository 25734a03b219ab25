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
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.internal.common.SearchAttributesUtil;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The gauges from what Temporal's visibility and the fleets' Schedules hold, and when it does not answer. */
@Tag("fast")
class ServerGaugesTest {

  private static final ScheduleClient NO_FLEETS = fake(ScheduleClient.class, (m, args) -> Stream.of());

  @SuppressWarnings("unchecked")
  private static <T> T fake(Class<T> type, BiFunction<Method, Object[], Object> answer) {
    return (T) Proxy.newProxyInstance(ServerGaugesTest.class.getClassLoader(),
        new Class<?>[] {type}, (p, m, args) -> answer.apply(m, args));
  }

  @Test
  void eachFleetsSkippedNightsAndTheStatusOfItsNewestClosedNight() {
    // fleet-a: n1 completed, n2 terminated, n3 runs; fleet-b: m1 completed; fleet-c starts
    // another workflow type and "nightly" is not a fleet's: neither is read.
    Map<String, String> status = Map.of("n1", "COMPLETED", "n2", "TERMINATED", "n3", "RUNNING",
        "m1", "COMPLETED");
    Map<String, ScheduleDescription> schedules = new LinkedHashMap<>();
    // fleet-a is paused (a night still runs: `fleet reset` runs one while paused).
    schedules.put("fleet-a", schedule("fleet-a", FleetResetWorkflow.TYPE,
        new ScheduleInfo(5, 1, 2, List.of(night("n3")), List.of(done("n1"), done("n2"), done("n3")),
            List.of(), null, null), true));
    schedules.put("fleet-b", schedule("fleet-b", FleetResetWorkflow.TYPE,
        new ScheduleInfo(1, 0, 0, List.of(), List.of(done("m1")), List.of(), null, null), false));
    schedules.put("fleet-c", schedule("fleet-c", "SomethingElse",
        new ScheduleInfo(1, 3, 3, List.of(), List.of(done("m1")), List.of(), null, null), false));
    schedules.put("nightly", schedule("nightly", FleetResetWorkflow.TYPE,
        new ScheduleInfo(1, 3, 3, List.of(), List.of(done("m1")), List.of(), null, null), false));
    // Deleted since the listing (visibility may list it a while longer): passed over, the others
    // read.
    schedules.put("fleet-gone", null);
    ScheduleClient fleets = fake(ScheduleClient.class, (m, args) -> m.getName().equals("listSchedules")
        ? schedules.keySet().stream().map(id -> new ScheduleListDescription(id, null, null, Map.of(),
            DefaultDataConverter.STANDARD_INSTANCE, Map.of()))
        : fake(ScheduleHandle.class, (hm, hargs) -> {
          if (schedules.get((String) args[0]) == null) {
            throw new ScheduleException(Status.NOT_FOUND.asRuntimeException());
          }
          return schedules.get((String) args[0]);
        }));
    AtomicInteger described = new AtomicInteger();
    WorkflowClient client = fake(WorkflowClient.class, (m, args) -> m.getName().equals("listExecutions")
        ? Stream.of() : fake(WorkflowStub.class, (wm, wargs) -> {
          described.incrementAndGet();
          return new WorkflowExecutionDescription(DescribeWorkflowExecutionResponse.newBuilder()
              .setWorkflowExecutionInfo(WorkflowExecutionInfo.newBuilder().setStatus(
                  WorkflowExecutionStatus.valueOf("WORKFLOW_EXECUTION_STATUS_" + status.get((String) args[0]))))
              .build(), DefaultDataConverter.STANDARD_INSTANCE);
        }));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ServerGauges gauges = new ServerGauges(client, fleets, registry)) {
      gauges.refresh();
      // One describe of each fleet's newest closed night (n2, m1), then none: it stays closed.
      assertThat(described).hasValue(2);
      gauges.refresh();
      assertThat(described).hasValue(2);
    }
    assertThat(registry.find(LabflowMeters.FLEET_NIGHTS_SKIPPED).gauges())
        .extracting(g -> g.getId().getTag("fleet"), g -> g.getId().getTag("why"), g -> g.value())
        .containsExactlyInAnyOrder(tuple("a", "overlap", 2.0), tuple("a", "catchup", 1.0),
            tuple("b", "overlap", 0.0), tuple("b", "catchup", 0.0));
    assertThat(registry.find(LabflowMeters.FLEET_LAST_NIGHT).gauges())
        .extracting(g -> g.getId().getTag("fleet"), g -> g.getId().getTag("status"), g -> g.value())
        .containsExactlyInAnyOrder(tuple("a", "TERMINATED", 1.0), tuple("b", "COMPLETED", 1.0));
    assertThat(registry.find(LabflowMeters.FLEET_PAUSED).gauges())
        .extracting(g -> g.getId().getTag("fleet"), g -> g.value())
        .containsExactlyInAnyOrder(tuple("a", 1.0), tuple("b", 0.0));
  }

  private static ScheduleDescription schedule(String id, String type, ScheduleInfo info,
      boolean paused) {
    return new ScheduleDescription(id, info, Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType(type)
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("q").build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().build())
        .setState(ScheduleState.newBuilder().setPaused(paused).setNote(paused ? "AWS incident" : "")
            .build()).build(),
        Map.of(), SearchAttributes.EMPTY, Map.of(), DefaultDataConverter.STANDARD_INSTANCE);
  }

  private static ScheduleActionExecutionStartWorkflow night(String id) {
    return new ScheduleActionExecutionStartWorkflow(id, "run-" + id);
  }

  private static ScheduleActionResult done(String id) {
    return new ScheduleActionResult(null, null, night(id));
  }

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
          if (args[0].equals(LeftLabs.QUERY) || args[0].equals(LeftLabs.RESETS_QUERY)) {
            return Stream.of(); // LeftLabsTest
          }
          assertThat(args[0]).isEqualTo("WorkflowType IN ('LabWorkflow','LabResetWorkflow',"
              + "'FleetResetWorkflow') AND ExecutionStatus='Running'");
          return labs.entrySet().stream().map(e -> execution(e.getKey(), e.getValue()));
        });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ServerGauges gauges = new ServerGauges(client, NO_FLEETS, registry)) {
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
  void aVisibilityThatRefusesTheCountIsOneWarningPerReadingNamingItsGauges() {
    // A server without visibility queries (or one that refuses this query) answers every refresh.
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
          throw Status.UNIMPLEMENTED.withDescription("no visibility").asRuntimeException();
        });
    Logger logger = (Logger) LoggerFactory.getLogger(ServerGauges.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (ServerGauges gauges = new ServerGauges(client, NO_FLEETS, new SimpleMeterRegistry())) {
      gauges.refresh();
      gauges.refresh();
    } finally {
      logger.detachAppender(lines);
    }
    // One warning for each reading, once however many refreshes fail.
    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
            labs -> assertThat(labs).contains("labflow_labs", "labflow_lab_paused",
                "labflow_lab_undoing", "labflow_lab_task_failing", "labflow_reset_task_failing",
                "UNIMPLEMENTED"),
            left -> assertThat(left).contains("labflow_lab_left", "UNIMPLEMENTED"));
  }
}
