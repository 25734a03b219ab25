package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.reset.ResetResult;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A followed reset is followed past a poll the server answers busy or not at all (seen in CI:
 * {@code RESOURCE_EXHAUSTED: Workflow is busy} ended {@code fleet reset --lab --wait} with exit 1
 * while the reset went on); any other refusal ends the follow.
 */
@Tag("fast")
class ResetFollowTest {

  private static final ResetResult DONE =
      new ResetResult("lab-1", "DELETED_BY_TAG", "nothing", null, null, null);

  /** A client whose reset answers each poll with the next of {@code answers}. */
  private static TemporalConnection answering(Deque<Object> answers) {
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        ResetFollowTest.class.getClassLoader(), new Class<?>[] {WorkflowClient.class},
        (p, m, args) -> Proxy.newProxyInstance(ResetFollowTest.class.getClassLoader(),
            new Class<?>[] {WorkflowStub.class}, (sp, sm, sargs) -> {
              WorkflowExecution id = WorkflowExecution.newBuilder()
                  .setWorkflowId((String) args[0]).build();
              if (!sm.getName().equals("getResult")) { // the follow's describes: none pending
                throw new WorkflowNotFoundException(id, null, null);
              }
              Object next = answers.pop();
              if (next instanceof Status s) {
                throw new WorkflowServiceException(id, "LabResetWorkflow", s.asRuntimeException());
              }
              return next;
            }));
    return new TemporalConnection(null, client, false);
  }

  @Test
  void aBusyOrSilentPollIsFollowedPastAndAnyOtherRefusalEndsTheFollow() {
    Deque<Object> answers = new ArrayDeque<>(List.of(
        Status.RESOURCE_EXHAUSTED.withDescription("Workflow is busy."),
        Status.DEADLINE_EXCEEDED, DONE));
    StringWriter out = new StringWriter();
    assertThat(ResetFollow.follow(answering(answers), "reset-lab-1", ResetRequest.sweep("lab-1"),
        Duration.ofMinutes(1), new PrintWriter(out, true))).isZero();
    assertThat(answers).isEmpty();
    assertThat(out.toString()).contains("Sweep reset-lab-1 completed: lab lab-1 has nothing left");

    Deque<Object> refused = new ArrayDeque<>(List.of(Status.PERMISSION_DENIED, DONE));
    assertThatThrownBy(() -> ResetFollow.follow(answering(refused), "reset-lab-1",
        ResetRequest.sweep("lab-1"), Duration.ofMinutes(1), new PrintWriter(new StringWriter())))
        .isInstanceOf(WorkflowServiceException.class);
  }
}
