package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
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
  /** The closed resets visibility lists: reset id, run, status, start second, close second. */
  private final List<String[]> resets = new ArrayList<>();
  /** What describe says of the newest run of a workflow id: run, status, close, start second. */
  private final Map<String, String[]> newest = new HashMap<>();
  private final AtomicInteger described = new AtomicInteger();
  /** The failure type a FAILED lab's run ended with. */
  private final Map<String, String> failedWith = new HashMap<>();
  private final AtomicInteger fetched = new AtomicInteger();

  private final WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
      getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
        if (m.getName().equals("listExecutions") && args[0].toString().contains("LabResetWorkflow")) {
          assertThat(args[0]).isEqualTo("WorkflowType='LabResetWorkflow' AND ExecutionStatus IN"
              + " ('Failed','Terminated','TimedOut','Canceled')");
          return resets.stream().map(r -> new WorkflowExecutionMetadata(
              info(r[0], r[1], r[2], r[4], null).toBuilder()
                  .setStartTime(Timestamp.newBuilder().setSeconds(Long.parseLong(r[3]))).build(),
              DefaultDataConverter.STANDARD_INSTANCE));
        }
        if (m.getName().equals("listExecutions")) {
          assertThat(args[0]).isEqualTo("WorkflowType='LabWorkflow' AND ExecutionStatus !="
              + " 'Running' AND LabState IN ('PROVISIONING','PAUSED','LIVE','SWITCHING',"
              + "'ROLLING_BACK','TEARING_DOWN','FAILED')");
          return closed.stream().map(c -> metadata(c[0], c[1], "COMPLETED", c[3], c[2]));
        }
        String id = (String) args[0];
        return Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {WorkflowStub.class}, (sp, sm, sargs) -> {
              if (sm.getName().equals("getResult")) { // the closing event, as the SDK reads it
                fetched.incrementAndGet();
                throw new WorkflowFailedException(WorkflowExecution.newBuilder().setWorkflowId(id)
                    .build(), "LabWorkflow", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 0,
                    RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
                    ApplicationFailure.newFailure("failed", failedWith.get(id)));
              }
              described.incrementAndGet();
              String[] d = newest.get(id);
              if (d == null) {
                throw new WorkflowNotFoundException(
                    WorkflowExecution.newBuilder().setWorkflowId(id).build(), null, null);
              }
              return new WorkflowExecutionDescription(DescribeWorkflowExecutionResponse.newBuilder()
                  .setWorkflowExecutionInfo(info(id, d[0], d[1], d[2], null).toBuilder()
                      .setStartTime(Timestamp.newBuilder().setSeconds(
                          d.length > 3 ? Long.parseLong(d[3]) : 0))).build(),
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

  private void reset(String lab, String run, String status, long started, long closed,
      String failure) {
    resets.add(new String[] {"reset-" + lab, run, status, String.valueOf(started),
        String.valueOf(closed)});
    newest.put("reset-" + lab, new String[] {run, status, String.valueOf(closed)});
    failedWith.put("reset-" + lab, failure);
  }

  /**
   * A lab whose newest reset or sweep ended unfinished after its run had closed is left: one
   * whose sweep could not finish (ResetIncomplete), or terminated with no run since. Not one
   * refused before it touched the lab, one whose lab still runs or ran again since, nor one
   * a later sweep followed; each of those is not read again.
   */
  @Test
  void aLabIsLeftByAResetThatEndedUnfinishedAfterItsRunClosed() {
    newest.put("l-inc", new String[] {"r1", "COMPLETED", "100", "10"}); // torn down by the reset
    reset("l-inc", "x1", "FAILED", 90, 120, "ResetIncomplete");
    newest.put("l-ref", new String[] {"r2", "COMPLETED", "100", "10"});
    reset("l-ref", "x2", "FAILED", 90, 120, "ResetRefused");
    newest.put("l-term", new String[] {"r3", "RUNNING", null, "5"}); // terminated before teardown
    reset("l-term", "x3", "TERMINATED", 90, 120, null);
    reset("l-gone", "x4", "TIMED_OUT", 90, 120, null); // no run of the lab in retention
    newest.put("l-new", new String[] {"r5", "FAILED", "140", "130"}); // a run started since
    reset("l-new", "x5", "FAILED", 90, 120, "ResetIncomplete");
    reset("l-old", "x6", "FAILED", 90, 120, "ResetIncomplete");
    newest.put("reset-l-old", new String[] {"x7", "COMPLETED", "200"}); // a later sweep
    LeftLabs left = new LeftLabs(client);

    assertThat(left.read()).containsExactlyEntriesOf(new java.util.TreeMap<>(
        Map.of("l-inc", "RESET_FAILED", "l-gone", "RESET_TIMED_OUT")));
    assertThat(described).hasValue(10);
    assertThat(fetched).hasValue(3);
    described.set(0);
    assertThat(left.read()).containsOnlyKeys("l-inc", "l-gone");
    assertThat(described).as("the two left, again; the four settled, not").hasValue(4);
    assertThat(fetched).hasValue(3);

    newest.put("reset-l-inc", new String[] {"x8", "COMPLETED", "300"});
    newest.put("l-gone", new String[] {"r9", "RUNNING", null, "300"});
    assertThat(left.read()).isEmpty();
  }
}
