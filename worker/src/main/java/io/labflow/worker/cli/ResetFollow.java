package io.labflow.worker.cli;

import io.grpc.Status;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetActivitiesImpl;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.input.RawJson;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A reset or a sweep of one lab started by hand ({@code labflow fleet reset NAME --lab ID}, {@code
 * labflow leaks --sweep ID}), refused while another runs, and with {@code --wait D} followed until
 * it ends: what it waits for as it changes (the pending activity of the lab's run, else of its
 * reset, as {@code fleet status} says it), then how it ended.
 */
final class ResetFollow {

  /** A line at least this often while the same activity waits; a change is said at once. */
  static final Duration EVERY = Duration.ofSeconds(30);
  private static final long POLL_MS = 2_000;

  private ResetFollow() {}

  /**
   * Starts {@code request} for {@code c} ({@code by} says who in the Web UI, {@code doing} what
   * befalls the lab), then follows it for {@code wait} when given. 1 when a reset of the lab runs.
   */
  static int start(BaseCommand c, ResetRequest request, String by, String doing, Duration wait) {
    TemporalConnection conn = c.connect();
    String lab = request.labId();
    boolean polled = c.root().polled.test(conn, c.root().taskQueue);
    WorkflowOptions options = request.options(c.root().taskQueue, by);
    String id = options.getWorkflowId();
    // The night's check: a reset of the lab under another id (a per-lab Schedule's) counts too.
    String other = new FleetActivitiesImpl(conn.client(), null).runningReset(lab);
    try {
      if (other == null) {
        WorkflowClient.start(conn.client().newWorkflowStub(LabResetWorkflow.class, options)::reset,
            RawJson.of(request));
      }
    } catch (WorkflowExecutionAlreadyStarted e) {
      other = id;
    }
    if (other != null) {
      c.out().println("A reset of lab " + lab + " is already running (" + other
          + "); not starting another");
      return 1;
    }
    c.out().println("Started " + id + ": lab " + lab + " " + doing);
    c.printWebUi(id);
    if (!polled) {
      throw new NoWorker(c.root().taskQueue, "the " + what(request).toLowerCase(Locale.ROOT)
          + " is recorded (its workflow is started) and runs when a worker polls");
    }
    return wait == null ? 0 : follow(conn, id, request, wait, c.out());
  }

  private static String what(ResetRequest request) {
    return request.sweepOnly() ? "Sweep" : "Reset";
  }

  /** 0 when the reset completed; 1 when it failed, or still runs after {@code wait}. */
  static int follow(TemporalConnection conn, String resetId, ResetRequest request, Duration wait,
      PrintWriter out) {
    String labId = request.labId();
    String what = what(request);
    out.println("Following " + resetId + " until it ends (at most " + Durations.format(wait)
        + "; it goes on after that)");
    out.flush();
    WorkflowStub stub = conn.client().newUntypedWorkflowStub(resetId);
    long deadline = System.nanoTime() + wait.toNanos();
    String said = "";
    long saidAt = 0;
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      try {
        ResetResult r = stub.getResult(
            Math.max(1, Math.min(POLL_MS, left)), TimeUnit.MILLISECONDS, ResetResult.class);
        out.println(what + " " + resetId + " completed: lab " + labId + (r.newRunId() == null
            ? " has nothing left that carries its tag" : " is " + r.state() + " (run "
                + r.newRunId() + ")") + "; " + (r.previousRunId() == null
                ? "no run of it was open" : "its run " + r.previousRunId() + " was torn down first")
            + " (" + r.cleanup() + "; deleted by the lab's tag: " + r.sweptByTag() + ")");
        return 0;
      } catch (TimeoutException | WorkflowServiceException stillRuns) {
        // The server busy with the workflow (RESOURCE_EXHAUSTED "Workflow is busy") or slow: the
        // SDK's retries of a poll end with it, and the next poll asks again within the wait.
        if (stillRuns instanceof WorkflowServiceException e
            && Status.fromThrowable(e).getCode() != Status.Code.RESOURCE_EXHAUSTED
            && !TemporalConnection.notAnswering(e)) {
          throw e;
        }
        if (left <= POLL_MS) {
          out.println(what + " " + resetId + " still runs after " + Durations.format(wait)
              + "; it goes on (labflow status " + labId + ")");
          return 1;
        }
        String doing = FleetStatusCommand.doing(conn, labId);
        // The activity and attempt, and whether it has said what it waits for yet.
        String step = doing.replaceFirst(": .*", ":");
        if (!doing.isEmpty()
            && (!step.equals(said) || System.nanoTime() - saidAt >= EVERY.toNanos())) {
          out.println("  " + doing);
          out.flush();
          said = step;
          saidAt = System.nanoTime();
        }
      } catch (WorkflowFailedException failed) {
        out.println(what + " " + resetId + " failed: " + Main.describe(failed.getCause()));
        return 1;
      }
    }
  }
}
