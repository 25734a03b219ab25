package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskTimedOutEventAttributes;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What {@code labflow status} says of a lab whose workflow task keeps failing. */
@Tag("fast")
class FailingTaskTest {

  private static final HistoryEvent COMPLETED = HistoryEvent.newBuilder()
      .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).build();

  @Test
  void theFirstFailureOfTheStreakIsSaidWithItsCauseAndWhatToDo() {
    HistoryEvent older = failed(1_796_600_000L, "an older failure, since recovered");
    HistoryEvent first = failed(1_796_650_002L,
        "[TMPRL1100] Failure handling event 5 of type 'EVENT_TYPE_TIMER_STARTED' during replay.\n"
            + "\tat io.temporal...");
    assertThat(FailingTask.sentence(3, List.of(older, COMPLETED, first)))
        .isEqualTo("Workflow task: failed 3 times in a row since 2026-12-07T13:26:42Z (non"
            + " deterministic error): [TMPRL1100] Failure handling event 5 of type"
            + " 'EVENT_TYPE_TIMER_STARTED' during replay. It does nothing until a worker can run"
            + " its history: the worker's log has the trace; after an upgrade, run the version"
            + " that started it (docs/worker.md, Restarts and upgrades)");
  }

  @Test
  void aTaskThatTimedOutIsSaidSo() {
    HistoryEvent timedOut = HistoryEvent.newBuilder()
        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
        .setEventTime(Timestamp.newBuilder().setSeconds(1_796_650_002L))
        .setWorkflowTaskTimedOutEventAttributes(WorkflowTaskTimedOutEventAttributes.getDefaultInstance())
        .build();
    assertThat(FailingTask.sentence(1, List.of(COMPLETED, timedOut)))
        .startsWith("Workflow task: failed 1 time in a row since 2026-12-07T13:26:42Z (timed out:"
            + " a worker took it and did not answer in time). It does nothing");
  }

  private static HistoryEvent failed(long seconds, String message) {
    return HistoryEvent.newBuilder()
        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .setEventTime(Timestamp.newBuilder().setSeconds(seconds))
        .setWorkflowTaskFailedEventAttributes(WorkflowTaskFailedEventAttributes.newBuilder()
            .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR)
            .setFailure(Failure.newBuilder().setMessage(message)))
        .build();
  }
}
