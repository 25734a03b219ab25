package io.labflow.worker.cli;

import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.definition.Durations;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a reset of one lab ({@code labflow fleet reset NAME --lab ID --wait D}) until it ends:
 * what it waits for as it changes (the pending activity of the lab's run, else of its reset, as
 * {@code fleet status} says it), then how it ended.
 */
final class ResetFollow {

  /** A line at least this often while the same activity waits; a change is said at once. */
  static final Duration EVERY = Duration.ofSeconds(30);
  private static final long POLL_MS = 2_000;

  private ResetFollow() {}

  /** 0 when the reset completed; 1 when it failed, or still runs after {@code wait}. */
  static int follow(TemporalConnection conn, String resetId, String labId, Duration wait,
      PrintWriter out) {
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
        out.println("Reset " + resetId + " completed: lab " + labId + " is " + r.state()
            + " (run " + r.newRunId() + "); " + (r.previousRunId() == null
                ? "no run of it was open" : "its run " + r.previousRunId() + " was torn down first")
            + " (" + r.cleanup() + "; deleted by the lab's tag: " + r.sweptByTag() + ")");
        return 0;
      } catch (TimeoutException stillRuns) {
        if (left <= POLL_MS) {
          out.println("Reset " + resetId + " still runs after " + Durations.format(wait)
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
        out.println("Reset " + resetId + " failed: " + Main.describe(failed.getCause()));
        return 1;
      }
    }
  }
}
