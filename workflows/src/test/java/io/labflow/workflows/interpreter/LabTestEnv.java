package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.testing.LabPolling;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** The shared fixture of the interpreter tests: fakes, the extension and small helpers. */
final class LabTestEnv {

  static final FakeResources RESOURCES = new FakeResources();
  static final FakeResolver RESOLVER = new FakeResolver();
  static final LearnerActivities.Doubles LEARNER = new LearnerActivities.Doubles();

  private LabTestEnv() {}

  /** A time-skipping test environment running the interpreter and the fakes. */
  static TestWorkflowExtension extension() {
    return extension(io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE);
  }

  /** The same, with workers and clients using this data converter. */
  static TestWorkflowExtension extension(io.temporal.common.converter.DataConverter converter) {
    return builder(converter).build();
  }

  /** The builder of {@link #extension(io.temporal.common.converter.DataConverter)}. */
  static TestWorkflowExtension.Builder builder(io.temporal.common.converter.DataConverter converter) {
    return TestWorkflowExtension.newBuilder()
        .setWorkflowClientOptions(
            io.temporal.client.WorkflowClientOptions.newBuilder().setDataConverter(converter).build())
        .registerWorkflowImplementationTypes(LabWorkflowImpl.class)
        .setActivityImplementations(RESOURCES, RESOLVER, LEARNER)
        .registerSearchAttribute(LabSearchAttributes.LAB_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(LabSearchAttributes.DEFINITION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(LabSearchAttributes.VARIANT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(LabSearchAttributes.STATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  }

  static void reset() {
    RESOURCES.reset();
    RESOLVER.reset();
    LEARNER.reset();
  }

  /** Registers the definition and starts a lab of it; returns its typed stub. */
  static LabWorkflow start(
      WorkflowClient client, Worker worker, String labId, Definition definition, String variant) {
    return start(client, worker, labId, definition, variant, Map.of());
  }

  static LabWorkflow start(
      WorkflowClient client,
      Worker worker,
      String labId,
      Definition definition,
      String variant,
      Map<String, Object> parameters) {
    RESOLVER.register(definition);
    LabWorkflow lab =
        client.newWorkflowStub(
            LabWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(labId)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(lab::run, RawJson.of(new LabRequest(definition.name(), variant, labId, parameters, null)));
    return lab;
  }

  /** The message of the ApplicationFailure the lab failed with. */
  static ApplicationFailure labFailure(LabWorkflow lab) {
    try {
      WorkflowStub.fromTyped(lab).getResult(Object.class);
    } catch (WorkflowFailedException e) {
      assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
      return (ApplicationFailure) e.getCause();
    }
    throw new AssertionError("the lab did not fail");
  }

  /** Polls the status query (in real time; the workflow clock does not move) until it matches. */
  static LabStatus awaitStatus(LabWorkflow lab, Predicate<LabStatus> condition) {
    return LabPolling.awaitStatus(lab, condition, Duration.ofSeconds(20), Duration.ofMillis(20));
  }

  static LabStatus awaitState(LabWorkflow lab, LabState state) {
    return awaitStatus(lab, s -> s.state() == state);
  }

  /** The LabState search attribute as the server holds it. */
  static String stateAttribute(LabWorkflow lab) {
    return WorkflowStub.fromTyped(lab)
        .describe()
        .getTypedSearchAttributes()
        .get(LabSearchAttributes.STATE);
  }

  static String attribute(LabWorkflow lab, io.temporal.common.SearchAttributeKey<String> key) {
    return WorkflowStub.fromTyped(lab).describe().getTypedSearchAttributes().get(key);
  }

  /**
   * The SDK's warnings, while {@code run} runs, of a workflow promise that failed and that the
   * workflow never read: each close of such a run (its end, every query that replays it) writes
   * one to the worker's log, with a stack trace.
   */
  static List<String> unreadFailures(Runnable run) {
    Logger logger =
        (Logger) LoggerFactory.getLogger("io.temporal.internal.sync.DeterministicRunnerImpl");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      run.run();
    } finally {
      logger.detachAppender(lines);
    }
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("never accessed")).toList();
  }
}
