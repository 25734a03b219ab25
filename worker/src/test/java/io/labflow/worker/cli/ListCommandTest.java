package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.internal.common.SearchAttributesUtil;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code labflow list}: its columns (the test server lists nothing; the list is answered here). */
@Tag("fast")
class ListCommandTest {

  /** Before, a lab id or definition wider than its fixed column pushed the rest of its row right. */
  @Test
  void everyColumnStartsWhereItsHeaderStartsWhateverTheWidthOfItsValues() {
    try (DoubleLabServer server = new DoubleLabServer()) {
      List<WorkflowExecutionMetadata> runs = List.of(
          run("lab-with-an-id-longer-than-its-column", "iam-service-role-challenge"), run("l1", "x"));
      server.interceptCommands(next -> new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public ListWorkflowExecutionsOutput listWorkflowExecutions(ListWorkflowExecutionsInput in) {
          return new ListWorkflowExecutionsOutput(runs.stream());
        }
      });

      DoubleLabServer.Result list = server.labflow("list");
      List<String> lines = list.out().lines().toList();

      assertThat(lines).as(list.all()).hasSize(3);
      String header = lines.get(0);
      List<Integer> starts = List.of("RUN", "LAB STATE", "DEFINITION", "VARIANT", "STARTED")
          .stream().map(header::indexOf).toList();
      for (String row : lines.subList(1, 3)) {
        assertThat(starts).as(list.all()).allSatisfy(s -> {
          assertThat(row.charAt(s - 1)).isEqualTo(' ');
          assertThat(row.charAt(s)).isNotEqualTo(' ');
        });
      }
      assertThat(list.out()).contains("iam-service-role-challenge");
    }
  }

  private static WorkflowExecutionMetadata run(String labId, String definition) {
    return new WorkflowExecutionMetadata(WorkflowExecutionInfo.newBuilder()
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(labId).setRunId("r"))
        .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
        .setStartTime(Timestamp.newBuilder().setSeconds(1_800_000_000L))
        .setSearchAttributes(SearchAttributesUtil.encodeTyped(SearchAttributes.newBuilder()
            .set(LabSearchAttributes.STATE, "LIVE").set(LabSearchAttributes.DEFINITION, definition)
            .set(LabSearchAttributes.VARIANT, "read-only").build()))
        .build(), DefaultDataConverter.STANDARD_INSTANCE);
  }
}
