package io.labflow.worker.cli;

import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.LabFollower;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "teardown",
    description = {
      "Tears a live or paused lab down: every compensation, in reverse order.",
      "With no worker polling, the teardown is recorded (signal requestTeardown) and runs when one",
      "does. Exit code: 0 torn down (or already torn down or rolled back), 1 failed or not torn",
      "down within --wait, 2 usage or refused, 4 no worker polls (recorded)."
    })
final class TeardownCommand extends LabCommand {

  @Option(names = "--wait", defaultValue = "1h",
      description = "How long to follow the teardown (e.g. 90s, 10m, 1h; default ${DEFAULT-VALUE}).")
  Duration wait;

  @Override
  public Integer call() throws InterruptedException {
    String queue;
    try {
      queue = workerFor(this::recorded);
    } catch (ClosedLab e) {
      String state = e.state;
      if (LabState.TORN_DOWN.name().equals(state) || LabState.ROLLED_BACK.name().equals(state)) {
        out().println(e.getMessage() + "; nothing left to tear down");
        return 0;
      }
      throw e;
    }
    // No Update is taken while the lab's workflow task keeps failing; a signal is kept for when
    // a worker can run the lab again.
    FailingTask.of(connect().client(), labId).ifPresent(failing -> {
      recordTeardown(labId);
      throw new IllegalStateException("lab " + labId + " takes no Update while its workflow task"
          + " keeps failing; the teardown is recorded (signal requestTeardown) and runs once a"
          + " worker can run the lab's history. " + failing);
    });
    out().println("Tearing lab " + labId + " down (following up to " + Durations.format(wait)
        + ")...");
    LabStatus before = before(labId);
    if (sent(queue, labId, "teardown", LabStatus.class) == null) {
      throw NoWorker.untaken(queue, "teardown", recorded());
    }
    LabFollower.Outcome outcome = follow(labId, null, before, wait, s -> false);
    if (!outcome.closed()) {
      out().println("Lab " + labId + " is still " + outcome.state() + " after "
          + Durations.format(wait) + "; the teardown goes on: labflow status " + labId);
    }
    printWebUi(labId);
    return outcome.closed() && outcome.state() == LabState.TORN_DOWN ? 0 : 1;
  }

  /** Records the teardown as a signal and says so. */
  private String recorded() {
    recordTeardown(labId);
    return "teardown of lab " + labId + " recorded; will run when a worker polls (labflow status "
        + labId + " shows it)";
  }
}
