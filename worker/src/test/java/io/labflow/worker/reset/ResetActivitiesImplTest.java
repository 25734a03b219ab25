package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ResetActivitiesImplTest {

  @Test
  void theLabsOwnReasonReplacesTheClientWrapper() {
    ApplicationFailure lab =
        ApplicationFailure.newNonRetryableFailure(
            "step 'create-role' (CreateRole) refused: NotOwned: role r exists but is not tagged;"
                + " everything created was undone (rolled back: create-stack)",
            "LabFailed");
    WorkflowFailedException failed =
        new WorkflowFailedException(
            WorkflowExecution.newBuilder().setWorkflowId("lab-1").setRunId("r1").build(),
            "LabWorkflow",
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            7,
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            lab);

    assertThat(failed.getMessage()).contains("Metadata");
    assertThat(ResetActivitiesImpl.labReason(failed))
        .isEqualTo(lab.getOriginalMessage())
        .doesNotContain("WORKFLOW_EXECUTION_STATUS")
        .doesNotContain("Metadata");
  }
}
