package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The fleet's questions to Temporal about a lab. */
@Timeout(60)
@Tag("fast")
class FleetActivitiesImplTest {

  @Test
  void aServerWithoutVisibilityHasNoRunningResetToWaitFor() {
    // The time-skipping server has no visibility.
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FleetActivitiesImpl activities = new FleetActivitiesImpl(env.getWorkflowClient(), null);
      assertThat(activities.runningReset("lab-01")).isNull();
    }
  }

  @Test
  void aRunWhoseFailureCannotBeReadIsAWarningNamingTheLab() {
    // The lab answers its status query (no failed step: its rollback failed too), but Temporal
    // does not give its run's result.
    LabStatus status = new LabStatus("lab-01", "iam-mini", null, LabState.FAILED, List.of(), null,
        "rollback failed", null, null, List.of(), null);
    LabWorkflow lab = proxy(LabWorkflow.class, "status", status);
    WorkflowStub run = proxy(WorkflowStub.class, "getResult", null);
    WorkflowClient client = proxy(WorkflowClient.class, "newWorkflowStub", lab);
    WorkflowClient both = (WorkflowClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {WorkflowClient.class}, (p, m, args) -> m.getName().equals(
            "newUntypedWorkflowStub") ? run : m.invoke(client, args));
    Logger logger = (Logger) LoggerFactory.getLogger(FleetActivitiesImpl.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      new FleetActivitiesImpl(both, null).failedStep("lab-01");
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).contains("lab-01", "UNAVAILABLE");
    });
  }

  /** A double answering {@code method} with {@code answer} (null: Temporal unavailable). */
  private static <T> T proxy(Class<T> type, String method, Object answer) {
    return type.cast(Proxy.newProxyInstance(FleetActivitiesImplTest.class.getClassLoader(),
        new Class<?>[] {type}, (p, m, args) -> {
          if (!m.getName().equals(method)) {
            throw new UnsupportedOperationException(m.getName());
          }
          if (answer == null) {
            throw Status.UNAVAILABLE.withDescription("no answer").asRuntimeException();
          }
          return answer;
        }));
  }
}
