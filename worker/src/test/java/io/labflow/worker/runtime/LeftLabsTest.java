package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.internal.common.SearchAttributesUtil;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which labs ended holding what they created, from what Temporal holds of their runs and resets. */
@Tag("fast")
class LeftLabsTest {

  /** The closed runs visibility lists: lab, run, LabState, close second. */
  private final List<String[]> closed = new ArrayList<>();
  /** What describe says of the newest run of a workflow id: run, status, close second. */
  private final Map<String, String[]> newest = new HashMap<>();
  private final AtomicInteger described = new AtomicInteger();
  /** The failure type a FAILED lab's run ended with. */
  private final Map<String, String> failedWith = new HashMap<>();
  private final AtomicInteger fetched = new AtomicInteger();

  private final WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
      getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
        if (m.getName().equals("listExecutions")) {
          assertThat(args[0]).isEqualTo("WorkflowType='LabWorkflow' AND ExecutionStatus !="
              + " 'Running' AND LabState IN ('PROVISIONING','PAUSED','LIVE','SWITCHING',"
              + "'ROLLING_BACK','TEARING_DOWN','FAILED')");
          return closed.stream().map(c -> metadata(c[0], c[1], "COMPLETED", c[3], c[2]));
        }
        String id = (String) args[0];
        if (m.getName().equals("fetchHistory")) {
          fetched.incrementAndGet();
          return new WorkflowExecutionHistory(History.newBuilder().addEvents(HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
              .setWorkflowExecutionStartedEventAttributes(
                  WorkflowExecutionStartedEventAttributes.getDefaultInstance()))
              .addEvents(HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
              .setWorkflowExecutionFailedEventAttributes(
                  WorkflowExecutionFailedEventAttributes.newBuilder().setFailure(Failure.newBuilder()
                      .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder()
                          .setType(failedWith.get(id))))))
              .build(), id);
        }
        return Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {WorkflowStub.class}, (sp, sm, sargs) -> {
              described.incrementAndGet();
              String[] d = newest.get(id);
              if (d == null) {
                throw new WorkflowNotFoundException(
                    WorkflowExecution.newBuilder().setWorkflowId(id).build(), null, null);
              }
              return new WorkflowExecutionDescription(DescribeWorkflowExecutionResponse.newBuilder()
                  .setWorkflowExecutionInfo(info(id, d[0], d[1], d[2], null)).build(),
                  DefaultDataConverter.STANDARD_INSTANCE);
            });
      });

  private static WorkflowExecutionInfo info(
      String id, String run, String status, String closedAt, String state) {
    WorkflowExecutionInfo.Builder b = WorkflowExecutionInfo.newBuilder()
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id).setRunId(run))
        .setType(WorkflowType.newBuilder().setName("LabWorkflow"))
        .setStatus(WorkflowExecutionStatus.valueOf("WORKFLOW_EXECUTION_STATUS_" + status));
    if (closedAt != null) {
      b.setCloseTime(Timestamp.newBuilder().setSeconds(Long.parseLong(closedAt)));
    }
    if (state != null) {
      b.setSearchAttributes(SearchAttributesUtil.encodeTyped(
          SearchAttributes.newBuilder().set(LabSearchAttributes.STATE, state).build()));
    }
    return b.build();
  }

  private static WorkflowExecutionMetadata metadata(
      String id, String run, String status, String closedAt, String state) {
    return new WorkflowExecutionMetadata(info(id, run, status, closedAt, state),
        DefaultDataConverter.STANDARD_INSTANCE);
  }

  private void run(String lab, String run, String state, long closedAt) {
    closed.add(new String[] {lab, run, state, String.valueOf(closedAt)});
    newest.put(lab, new String[] {run, "TERMINATED", String.valueOf(closedAt)});
  }

  @Test
  void aLabIsLeftUntilANewerRunOrACompletedSweepAndEachRunOnceResolvedIsNotReadAgain() {
    // FAILED is also a lab refused as it resolved (it made nothing): its closing event tells.
    run("l-terminated", "r1", "LIVE", 100);
    run("l-failed", "r2", "FAILED", 100);
    failedWith.put("l-failed", "LabFailed"); // an undo failed
    run("l-refused", "r7", "FAILED", 100);
    failedWith.put("l-refused", "InvalidRequest"); // refused as it resolved: made nothing
    newest.put("reset-l-failed", new String[] {"x2", "COMPLETED", "50"}); // before it failed
    run("l-swept", "r3", "LIVE", 100);
    newest.put("reset-l-swept", new String[] {"x3", "COMPLETED", "200"});
    run("l-again", "r4", "PAUSED", 100);
    newest.put("l-again", new String[] {"r5", "RUNNING", null});
    run("l-sweeping", "r6", "PROVISIONING", 100);
    newest.put("reset-l-sweeping", new String[] {"x6", "RUNNING", null});
    LeftLabs left = new LeftLabs(client);

    assertThat(left.read()).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("l-failed", "FAILED", "l-terminated", "LIVE")));
    assertThat(described).hasValue(12);
    assertThat(fetched).hasValue(2);
    // The superseded, swept and refused runs are not read again; the three others are described
    // again, the failed lab's closing event not fetched again.
    described.set(0);
    assertThat(left.read()).containsOnlyKeys("l-failed", "l-terminated");
    assertThat(described).hasValue(6);
    assertThat(fetched).hasValue(2);

    // The running sweep completes; the terminated lab's run goes past retention.
    newest.put("reset-l-sweeping", new String[] {"x6", "COMPLETED", "300"});
    closed.removeIf(c -> c[0].equals("l-terminated"));
    assertThat(left.read()).containsOnlyKeys("l-failed");
    // A sweep of the failed lab completes after it failed.
    newest.put("reset-l-failed", new String[] {"x7", "COMPLETED", "400"});
    assertThat(left.read()).isEmpty();
  }
}
