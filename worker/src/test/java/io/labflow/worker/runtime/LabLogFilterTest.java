package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker's LabLogFilter as the SDK's threads meet it (installed here by hand: the test
 * classpath's logback-test.xml replaces the worker's logback.xml, which the e2e tests exercise).
 */
@Tag("fast")
class LabLogFilterTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("io.temporal.internal.activity.Test");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final LabLogFilter filter = new LabLogFilter();

  @BeforeEach
  void attach() {
    logger.getLoggerContext().addTurboFilter(filter);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
    logger.getLoggerContext().getTurboFilterList().remove(filter);
    MDC.clear();
  }

  @Test
  void labIdOfALabRunIsItsWorkflowIdAndOfAScheduledResetIsTheLabInIt() {
    assertThat(LabLogFilter.labIdOf("lab-042")).isEqualTo("lab-042");
    // A fleet's night is about many labs; a lab may be called fleet-something.
    assertThat(LabLogFilter.labIdOf("fleet-class-a-2026-11-28T03:00:00Z")).isNull();
    assertThat(LabLogFilter.labIdOf("fleet-a-01")).isEqualTo("fleet-a-01");
    assertThat(LabLogFilter.labIdOf("reset-lab-042-2026-11-28T03:00:00Z")).isEqualTo("lab-042");
    assertThat(LabLogFilter.labIdOf("reset-lab-2026")).isEqualTo("lab-2026");
    assertThat(LabLogFilter.labIdOf("reset-lab-042")).isEqualTo("lab-042");
  }

  @Test
  void anSdkLineNamesTheLabOfItsWorkflowAndARefusalIsOneLineWithoutATrace() {
    // What the SDK does after an activity threw: its MDC has the WorkflowId, not labflow's LabId.
    MDC.put("WorkflowId", "reset-lab-7-2026-12-04T03:00:00Z");
    ApplicationFailure refused = ApplicationFailure.newNonRetryableFailure(
        "role lab-7-role was not created by this run of lab lab-7", "NotOwned");
    logger.warn("{} failure. ActivityId={}, activityType={}, attempt={}", "Activity", "a1", "CreateRole", 1, refused);

    assertThat(lines.list).singleElement().satisfies(e -> {
      assertThat(e.getMDCPropertyMap()).containsEntry("LabId", "lab-7");
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).isEqualTo("Activity failure. ActivityId=a1, activityType=CreateRole,"
          + " attempt=1: NotOwned: role lab-7-role was not created by this run of lab lab-7");
    });
  }

  @Test
  void thePollersReportOfAFailedWorkflowTaskIsOneLineNamingTheLab() {
    // The SDK's poller thread has no WorkflowId in its MDC; the cause was logged just before.
    RuntimeException failed = new RuntimeException("Failure processing workflow task. WorkflowId=lab-7,"
        + " RunId=r1, Attempt=4", new IllegalStateException("[TMPRL1100] Failure handling event 5"));
    logger.error("uncaught exception", failed);
    // A fleet's night is about many labs: its line names none.
    logger.error("uncaught exception", new RuntimeException("Failure processing workflow task."
        + " WorkflowId=fleet-class-a-2026-12-07T03:00:00Z, RunId=r2, Attempt=2"));

    assertThat(lines.list).hasSize(2).first().satisfies(e -> {
      assertThat(e.getMDCPropertyMap()).containsEntry("LabId", "lab-7");
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).isEqualTo("uncaught exception: Failure processing workflow"
          + " task. WorkflowId=lab-7, RunId=r1, Attempt=4 (its cause is the line before, with its"
          + " trace; Temporal retries the task until a worker can run its history)");
    });
    assertThat(lines.list.get(1).getMDCPropertyMap()).doesNotContainKey("LabId");
    assertThat(lines.list.get(1).getThrowableProxy()).isNull();
  }

  @Test
  void anUpdateTheSdkCallsAWorkflowFailureIsSaidToBeAnUpdates() {
    MDC.put("WorkflowId", "lab-7");
    ApplicationFailure refused = ApplicationFailure.newNonRetryableFailure(
        "unknown variant 'read-wrte'", "InvalidArgument");
    String sdk = "Workflow execution failure WorkflowId='{}', RunId={}, WorkflowType='{}'";
    Object[] args = {"lab-7", "r1", "LabWorkflow", refused};

    handleValidateUpdate(() -> logger.warn(sdk, args));
    handleExecuteUpdate(() -> logger.warn(sdk, args));
    logger.warn(sdk, args);

    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "Update rejected (the workflow goes on) WorkflowId='lab-7', RunId=r1,"
            + " WorkflowType='LabWorkflow': InvalidArgument: unknown variant 'read-wrte'",
        "Update failed (the workflow goes on) WorkflowId='lab-7', RunId=r1,"
            + " WorkflowType='LabWorkflow': InvalidArgument: unknown variant 'read-wrte'",
        "Workflow execution failure WorkflowId='lab-7', RunId=r1,"
            + " WorkflowType='LabWorkflow': InvalidArgument: unknown variant 'read-wrte'");
  }

  @Test
  void anActivityResultForARunThatClosedMeanwhileIsOneLine() {
    MDC.put("WorkflowId", "reset-lab-7");
    logger.warn("Failure during reporting of activity result to the server. ActivityId = {},"
        + " ActivityType = {}", "a1", "labflow.Reset.TearDownOpenRun", new StatusRuntimeException(
            Status.NOT_FOUND.withDescription("workflow execution already completed")));

    assertThat(lines.list).singleElement().satisfies(e -> {
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).isEqualTo("Failure during reporting of activity result"
          + " to the server. ActivityId = a1, ActivityType = labflow.Reset.TearDownOpenRun:"
          + " NOT_FOUND: workflow execution already completed (the attempt timed out, or its run"
          + " closed, while it ran; its result is dropped)");
    });
  }

  @Test
  void temporalNotAnsweringIsOneLineNotATrace() {
    // As the SDK's pollers log it, once per retry of each poller while the server is away.
    logger.warn("Failure in poller thread Activity Poller taskQueue=\"labflow\","
        + " namespace=\"default\"", new StatusRuntimeException(Status.UNAVAILABLE
            .withDescription("io exception")
            .withCause(new java.net.ConnectException("Connection refused: /127.0.0.1:7233"))));

    assertThat(lines.list).singleElement().satisfies(e -> {
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).isEqualTo("Failure in poller thread Activity Poller"
          + " taskQueue=\"labflow\", namespace=\"default\": UNAVAILABLE: io exception:"
          + " Connection refused: /127.0.0.1:7233 (Temporal does not answer; the SDK tries again)");
    });
  }

  /** Named as the SDK's WorkflowExecutionHandler method that logs a validator's rejection. */
  private static void handleValidateUpdate(Runnable log) {
    log.run();
  }

  /** Named as the SDK's WorkflowExecutionHandler method that logs an Update handler's failure. */
  private static void handleExecuteUpdate(Runnable log) {
    log.run();
  }

  @Test
  void aFleetNightsLineNamesTheLabItIsAboutOrNone() {
    MDC.put("WorkflowId", "fleet-class-a-2026-12-04T03:00:00Z");
    MDC.put("WorkflowType", "FleetResetWorkflow");
    logger.warn("fleet class-a: night done");
    try (var about = LabLogFilter.aboutLab("class-a-02")) {
      logger.warn("Lab class-a-02 quarantined");
    }
    logger.warn("after");

    assertThat(lines.list).extracting(e -> e.getMDCPropertyMap().get("LabId"))
        .containsExactly(null, "class-a-02", null);
  }

  @Test
  void aBugKeepsItsTraceAndALineOfNoWorkflowNamesNoLab() {
    MDC.put("LabId", "left-over");
    logger.warn("{} failure", "Activity", new IllegalStateException("bug"));
    logger.warn("wrapped", ApplicationFailure.newFailureWithCause("x", "java.lang.NullPointerException",
        new NullPointerException()));

    assertThat(lines.list).hasSize(2).allSatisfy(e -> {
      assertThat(e.getThrowableProxy()).isNotNull();
      assertThat(e.getMDCPropertyMap()).doesNotContainKey("LabId");
    });
  }
}
