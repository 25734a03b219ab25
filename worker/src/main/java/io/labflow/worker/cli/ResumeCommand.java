package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabStatus;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "resume", description = {
    "Decides what a paused lab does: retry, skip or rollback.",
    "Exit code: 0 completed or live, 1 failed, rolled back or the lab has ended, 2 usage or",
    "refused, 3 paused again, 4 no worker took or answered it."})
final class ResumeCommand extends LabCommand {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Choice choice;

  static final class Choice {
    @Option(names = "--retry", description = "Run the failed step again.") boolean retry;
    @Option(names = "--skip", description = "Treat the failed step as done and go on.") boolean skip;
    @Option(names = "--rollback", description = "Undo every started step.") boolean rollback;

    Decision decision() {
      return retry ? Decision.RETRY : skip ? Decision.SKIP : Decision.ROLLBACK;
    }
  }

  @Option(names = "--no-follow", description = "Return right after the update is accepted.")
  boolean noFollow;

  @Option(names = "--timeout", defaultValue = "2h",
      description = "How long to follow the lab (e.g. 90s, 10m, 2h; default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    LabStatus after = update("resume", LabStatus.class, RawJson.of(choice.decision()));
    out().println("Decision " + choice.decision() + " accepted by lab " + labId + ".");
    if (noFollow) {
      StatusPrinter.print(after, out());
      return 0;
    }
    return summarize(follow(labId, null, after, timeout, LabFollower.LIVE_OR_PAUSED), labId);
  }
}
