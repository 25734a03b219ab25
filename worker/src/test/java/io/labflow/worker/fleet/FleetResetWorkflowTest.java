package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.worker.quotas.QuotaPlanner.NightPlan;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.testing.JsonText;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A fleet night against stub lab resets, with time skipping. */
@Timeout(120)
@Tag("fast")
class FleetResetWorkflowTest {

  private static final String QUEUE = "fleet-test";

  /** Stub resets: take a minute, fail for labs listed in {@link #FAILING}. */
  public static class StubReset implements LabResetWorkflow {
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MAX = new AtomicInteger();
    static final Map<String, Integer> RESETS = new ConcurrentHashMap<>();
    static final Map<String, String> FAILING = new ConcurrentHashMap<>();
    /** The failure's message of a lab in {@link #FAILING}, when not "lab L did not come up". */
    static final Map<String, String> MESSAGES = new ConcurrentHashMap<>();

    @Override
    public ResetResult reset(RawValue raw) {
      ResetRequest request = request(raw);
      if (!Workflow.isReplaying()) {
        MAX.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        RESETS.merge(request.labId(), 1, Integer::sum);
      }
      Workflow.sleep(Duration.ofMinutes(1));
      if (!Workflow.isReplaying()) {
        RUNNING.decrementAndGet();
      }
      String type = FAILING.get(request.labId());
      if (type != null) {
        throw ApplicationFailure.newNonRetryableFailure(MESSAGES.getOrDefault(request.labId(),
            "lab " + request.labId() + " did not come up"), type);
      }
      return new ResetResult(request.labId(), "DELETED_BY_TAG", "nothing", null, "run", LabState.LIVE);
    }
  }

  /** The reset's raw input (a JSON object) as the stubs need it. */
  static ResetRequest request(RawValue raw) {
    Map<?, ?> m = (Map<?, ?>) RawJson.read(raw, "the reset request", Integer.MAX_VALUE);
    return new ResetRequest((String) m.get("labId"), (String) m.get("definition"),
        (String) m.get("variant"), null);
  }

  /** A reset of one lab that runs for hours, standing for one started by hand. */
  public static class LongReset implements LabResetWorkflow {
    @Override
    public ResetResult reset(RawValue raw) {
      Workflow.sleep(Duration.ofHours(5));
      return null;
    }
  }

  static class StubActivities implements FleetActivities {
    final Set<String> busy = ConcurrentHashMap.newKeySet();

    @Override
    public String runningReset(String labId) {
      return busy.contains(labId) ? "reset-" + labId + "-2026-12-01T03:00:00Z" : null;
    }

    @Override
    public FailedStep failedStep(String labId) {
      return new FailedStep("role", "EntityAlreadyExists: Role with name " + labId + "-role already exists");
    }

    /** How many labs the stub quotas fit (all by default), and what the night asked. */
    volatile int fit = Integer.MAX_VALUE;
    final List<List<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean allOrNone;

    @Override
    public NightPlan quotaPlan(String fleet, String definition, List<FleetLab> labs,
        boolean allOrNone) {
      List<String> labIds = labs.stream().map(FleetLab::labId).toList();
      asked.add(labIds);
      this.allOrNone = allOrNone;
      if (labIds.size() <= fit) {
        return new NightPlan(List.of(), null, null);
      }
      List<String> out = allOrNone ? labIds : labIds.subList(fit, labIds.size());
      return new NightPlan(out, "L-F678F1CE (VPCs per Region)", "quota L-F678F1CE (VPCs per Region)"
          + " is too small for the " + labIds.size() + " labs of fleet " + fleet + " tonight: used 1,"
          + " need " + labIds.size() + ", quota 5; request an increase");
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private StubActivities activities;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void setUp() {
    activities = new StubActivities();
    env = started(QUEUE, activities);
    client = env.getWorkflowClient();
  }

  /**
   * A started test server with the fleet's night and the stub resets on {@code queue}, these stub
   * activities, and {@link LongReset} on the queue {@code long}; the stubs' records cleared.
   */
  static TestWorkflowEnvironment started(String queue, StubActivities activities) {
    StubReset.RUNNING.set(0);
    StubReset.MAX.set(0);
    StubReset.RESETS.clear();
    StubReset.FAILING.clear();
    StubReset.MESSAGES.clear();
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    env.registerSearchAttribute("LabId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute("LabDefinition", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    Worker worker = env.newWorker(queue);
    worker.registerWorkflowImplementationTypes(FleetResetWorkflowImpl.class, StubReset.class);
    worker.registerActivitiesImplementations(activities);
    env.newWorker("long").registerWorkflowImplementationTypes(LongReset.class);
    env.start();
    return env;
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static List<FleetLab> labs(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> new FleetLab(String.format("lab-%03d", i), null, Map.of())).toList();
  }

  private static FleetRequest request(int labs, int concurrency) {
    return new FleetRequest("class", "iam-mini", concurrency, 2, labs(labs), Map.of(), null, null);
  }

  private FleetResetWorkflow stub(String id) {
    return client.newWorkflowStub(FleetResetWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
  }

  private FleetReport night(String id, FleetRequest request) {
    return stub(id).run(RawJson.of(request));
  }

  @Test
  void resetsEveryLabNeverMoreThanConcurrencyAtOnce() {
    FleetReport report = night("night-1", request(8, 3));
    assertThat(StubReset.MAX.get()).isEqualTo(3);
    assertThat(StubReset.RESETS).hasSize(8).allSatisfy((lab, n) -> assertThat(n).isEqualTo(1));
    assertThat(report.labs()).extracting(LabReport::labId).containsExactlyElementsOf(
        labs(8).stream().map(FleetLab::labId).toList());
    assertThat(report.labs()).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(LabReport.Outcome.OK);
      assertThat(r.durationMs()).isGreaterThanOrEqualTo(60_000);
    });
    assertThat(report.totals().get(LabReport.Outcome.OK)).isEqualTo(8);
    // What the Web UI shows: the SDK's metadata query carries the current details.
    String details = client.newUntypedWorkflowStub("night-1")
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
    assertThat(details).contains("**Fleet class**: 8 of 8 labs done", "ok 8, failed 0", "\nlab-008  ok      6");
  }

  @Test
  void aFailingLabIsReportedWithItsStepAndQuarantinedAfterTheLimitThenReleased() {
    StubReset.FAILING.put("lab-002", "LabDidNotComeUp");
    FleetReport one = night("n1", request(3, 3));
    LabReport failed = one.lab("lab-002");
    assertThat(failed.outcome()).isEqualTo(LabReport.Outcome.FAILED);
    assertThat(failed.step()).isEqualTo("role");
    assertThat(failed.error()).isEqualTo("EntityAlreadyExists: Role with name lab-002-role already exists");
    assertThat(failed.consecutiveFailures()).isEqualTo(1);
    assertThat(failed.quarantined()).isFalse();
    assertThat(one.lab("lab-001").outcome()).isEqualTo(LabReport.Outcome.OK);

    FleetReport two = night("n2", next(request(3, 3), one));
    assertThat(two.lab("lab-002").consecutiveFailures()).isEqualTo(2);
    assertThat(two.lab("lab-002").quarantined()).isTrue();
    assertThat(FleetDetails.outcome(two.lab("lab-002"))).isEqualTo("failed (2 nights), now quarantined");

    StubReset.RESETS.clear();
    FleetReport three = night("n3", next(request(3, 3), two));
    assertThat(three.lab("lab-002").outcome()).isEqualTo(LabReport.Outcome.QUARANTINED);
    assertThat(three.lab("lab-002").quarantinedAt()).isEqualTo(two.lab("lab-002").quarantinedAt());
    assertThat(StubReset.RESETS).containsOnlyKeys("lab-001", "lab-003");

    // A release written after the quarantine lifts it; the lab is reset again and counts afresh.
    StubReset.FAILING.clear();
    FleetRequest released = next(request(3, 3), three).withRelease("lab-002", two.lab("lab-002").quarantinedAt() + 1);
    FleetReport four = night("n4", released);
    assertThat(four.lab("lab-002").outcome()).isEqualTo(LabReport.Outcome.OK);
    assertThat(four.lab("lab-002").consecutiveFailures()).isZero();
    // An old release does not lift a newer quarantine.
    assertThat(Quarantine.before(two.lab("lab-002"), two.lab("lab-002").quarantinedAt() - 1).quarantined()).isTrue();
  }

  /**
   * A reset that gave up waiting on a lab still coming up is reported with its sentence (how long
   * it waited) and the lab's last error (why); before, the lab's error alone.
   */
  @Test
  void aLabThatNeverCameUpIsReportedWithHowLongTheResetWaitedAndTheLabsLastError() {
    StubReset.FAILING.put("lab-002", "LabDidNotComeUp");
    String gaveUp = "gave up waiting for lab lab-002 (run r) to come up after 1h59m28s (its bound"
        + " is 1h59m29s)";
    StubReset.MESSAGES.put("lab-002", gaveUp);

    LabReport failed = night("n1", request(3, 3)).lab("lab-002");

    assertThat(failed.outcome()).isEqualTo(LabReport.Outcome.FAILED);
    assertThat(failed.error()).isEqualTo(gaveUp + "; the lab's last error: EntityAlreadyExists:"
        + " Role with name lab-002-role already exists");
  }

  @Test
  void aSweepThatLeavesTaggedResourcesQuarantinesAtOnce() {
    StubReset.FAILING.put("lab-001", FailureTypes.RESET_INCOMPLETE);
    FleetReport one = night("n1", request(2, 2));
    assertThat(one.lab("lab-001").quarantined()).isTrue();
    assertThat(one.lab("lab-001").consecutiveFailures()).isEqualTo(1);
    assertThat(one.lab("lab-001").step()).isNull();
  }

  /** The previous night's report, carried the way continue-as-new carries it. */
  private static FleetRequest next(FleetRequest base, FleetReport previous) {
    Map<String, LabReport> prev = new java.util.LinkedHashMap<>();
    previous.labs().forEach(r -> prev.put(r.labId(), r));
    return base.withProgress(new FleetRequest.Progress(previous.finishedAt(), 0, prev, List.of(), null));
  }

  @Test
  void aResetAlreadyRunningIsRespectedNotDuplicated() {
    WorkflowClient.start(client.newWorkflowStub(LabResetWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId("reset-lab-002").setTaskQueue("long").build())::reset,
        RawJson.of(new ResetRequest("lab-002", "iam-mini", null, null)));
    activities.busy.add("lab-003");
    FleetReport report = night("n1", request(4, 4));
    assertThat(report.lab("lab-002").outcome()).isEqualTo(LabReport.Outcome.SKIPPED);
    assertThat(report.lab("lab-002").error()).contains("reset-lab-002");
    assertThat(report.lab("lab-003").outcome()).isEqualTo(LabReport.Outcome.SKIPPED);
    assertThat(report.lab("lab-003").error()).contains("reset-lab-003-2026");
    assertThat(StubReset.RESETS).containsOnlyKeys("lab-001", "lab-004");
  }

  /** A refused night shows its sentence in the Web UI's Result panel, no Java stack trace. */
  @Test
  void aRefusedNightIsSentWithoutAJavaStackTrace() {
    ApplicationFailure refused = catchThrowableOfType(ApplicationFailure.class,
        () -> FleetRequest.parse(RawJson.of(Map.of("fleet", "x"))));
    Failure sent = new RejectionFailureConverter()
        .exceptionToFailure(refused, RejectionFailureConverter.dataConverter());
    assertThat(sent.getMessage()).startsWith("request: definition: definition is required");
    assertThat(sent.getStackTrace()).isEmpty();
  }

  @Test
  void badInputFailsTheNightNamingTheFieldWithoutFailingATask() {
    Map<String, Object> bad = Map.of("fleet", "x", "definition", "d", "concurrency", "lots",
        "quarantineAfter", 1, "labs", List.of(Map.of("labId", "a")));
    assertThatThrownBy(() -> night("bad", JSON.convertValue(bad, FleetRequest.class)))
        .isInstanceOf(IllegalArgumentException.class);
    for (Object input : List.<Object>of(bad, Map.of("fleet", "x"), "text",
        Map.of("fleet", "x", "definition", "d", "concurrency", 1, "quarantineAfter", 1, "labs", List.of(),
            "extra", 1))) {
      String id = "bad-" + Math.abs(input.hashCode());
      assertThatThrownBy(() -> untyped(id, input))
          .isInstanceOf(WorkflowFailedException.class)
          .rootCause().isInstanceOf(ApplicationFailure.class)
          .satisfies(f -> assertThat(((ApplicationFailure) f).getType())
              .isEqualTo(FailureTypes.INVALID_REQUEST))
          .hasMessageContaining("request: ");
      WorkflowExecutionHistory h = client.fetchHistory(id);
      assertThat(h.getEvents()).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    }
    assertThatThrownBy(() -> untyped("bad-field", bad))
        .rootCause().satisfies(f -> assertThat(((ApplicationFailure) f).getOriginalMessage())
            .isEqualTo("request: concurrency: concurrency must be a whole number from 1 to 200, got a string"));
    assertThatThrownBy(() -> untyped("bad-missing", Map.of("fleet", "x", "definition", "d",
            "quarantineAfter", 1, "labs", List.of())))
        .rootCause().satisfies(f -> assertThat(((ApplicationFailure) f).getOriginalMessage())
            .isEqualTo("request: concurrency: concurrency is required (a whole number from 1 to 200)\n"
                + "request: labs: labs must be a non-empty list of labs such as [{\"labId\":\"lab-01\"}], got a list"));
    assertThatThrownBy(() -> untyped("bad-typo", Map.of("fleet", "x", "definition", "d",
            "concurency", 1, "quarantineAfter", 1, "labs", List.of())))
        .rootCause().satisfies(f -> assertThat(((ApplicationFailure) f).getOriginalMessage())
            .startsWith("request: concurency: unknown field 'concurency'; did you mean 'concurrency'?"));
    assertThatThrownBy(() -> untyped("bad-labs", Map.of("fleet", "x", "definition", "d",
            "concurrency", 1, "quarantineAfter", 1, "labs",
            List.of(Map.of("labId", "a"), Map.of("labId", "Lab 1"), Map.of("labId", "a")))))
        .rootCause().satisfies(f -> assertThat(((ApplicationFailure) f).getOriginalMessage())
            .isEqualTo("request: labs[1].labId: labId 'Lab 1' must be " + LabIds.RULE + "\n"
                + "request: labs[2].labId: lab 'a' is listed twice"));
  }

  @Test
  void inputOfAnyDepthFailsTheNightWithASentenceWithoutFailingATask() {
    String deep = "{\"fleet\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> untyped("bad-deep", JsonText.of(deep)))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause().satisfies(f -> assertThat(((ApplicationFailure) f).getOriginalMessage())
            .isEqualTo("request: the fleet request is nested more than 32 levels deep"));
    assertThat(client.fetchHistory("bad-deep").getEvents())
        .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  }

  private FleetReport untyped(String id, Object input) {
    io.temporal.client.WorkflowStub stub = client.newUntypedWorkflowStub(FleetResetWorkflow.TYPE,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    stub.start(input);
    return stub.getResult(FleetReport.class);
  }

  @Test
  void historyStaysBoundedFor500Labs() {
    FleetRequest request = request(500, 50);
    FleetReport report = night("big", request);
    assertThat(report.labs()).hasSize(500).allMatch(r -> r.outcome() == LabReport.Outcome.OK);
    assertThat(StubReset.MAX.get()).isEqualTo(50);
    List<Integer> sizes = new ArrayList<>();
    String runId = null;
    // Walk the chain of runs from the first: each ends by continuing as new, the last completes.
    List<HistoryEvent> events = client.fetchHistory("big", firstRunId("big")).getEvents();
    while (true) {
      sizes.add(events.size());
      HistoryEvent last = events.get(events.size() - 1);
      if (last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        assertThat(last.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
        break;
      }
      runId = last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      events = client.fetchHistory("big", runId).getEvents();
    }
    System.out.println("history events per run for 500 labs (100 per run, concurrency 50): " + sizes);
    assertThat(sizes).hasSize(500 / FleetResetWorkflow.LABS_PER_RUN);
    assertThat(sizes).allMatch(n -> n < 12 * FleetResetWorkflow.LABS_PER_RUN);
  }

  private String firstRunId(String workflowId) {
    String run = client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
    HistoryEvent first = client.fetchHistory(workflowId, run).getEvents().get(0);
    String original = first.getWorkflowExecutionStartedEventAttributes().getFirstExecutionRunId();
    return original.isEmpty() ? run : original;
  }

  @SuppressWarnings("unused")
  private static JsonNode json(Object o) {
    return JSON.valueToTree(o);
  }
}
