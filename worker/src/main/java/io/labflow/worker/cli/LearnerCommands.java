package io.labflow.worker.cli;

import io.labflow.worker.client.StatusPrinter;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The learner's Updates from a shell: {@code check}, {@code solve}, {@code skip} the current task
 * of a lab with tasks, and {@code extend} its keep-alive. Each is sent as {@code resume} and
 * {@code switch-variant} send theirs: a lab that has ended, no worker polling, and a refusal are
 * each told in one sentence.
 */
final class LearnerCommands {

  private LearnerCommands() {}

  private static final String EXIT_CODES =
      "2 usage or refused (no open task, not live), 4 no worker took or answered it.";

  /** Sends the task Update named as the command and prints its answer. */
  abstract static class TaskUpdate extends LabCommand {

    @Override
    public Integer call() throws InterruptedException {
      CheckAnswer answer = update(spec.name(), CheckAnswer.class);
      StatusPrinter.printAnswer(answer, this instanceof Skip, out());
      return answer.passed() || this instanceof Skip ? 0 : 1;
    }
  }

  @Command(name = "check", description = {
      "Checks the learner's current task; the lab advances when every condition passes.",
      "Prints each condition passed or failed, with its message, hint and what was found, then",
      "the score and the next task.",
      "Exit code: 0 passed, 1 not passed or the lab has ended, " + EXIT_CODES})
  static final class Check extends TaskUpdate {}

  @Command(name = "solve", description = {
      "Instructor: does the current task with its solve steps, then checks it (no points).",
      "Exit code: 0 it passes after the solve, 1 it does not or the lab has ended, " + EXIT_CODES})
  static final class Solve extends TaskUpdate {}

  @Command(name = "skip", description = {
      "Instructor: skips the current task (no points); the next becomes current.",
      "Exit code: 0 skipped, 1 the lab has ended, " + EXIT_CODES})
  static final class Skip extends TaskUpdate {}

  @Command(name = "extend", description = {
      "Keeps a live lab longer, within its maximum lifetime.",
      "Exit code: 0 extended, 1 the lab has ended, 2 usage or refused (not live, past the",
      "maximum lifetime), 4 no worker took or answered it."})
  static final class Extend extends LabCommand {

    @Parameters(index = "1", paramLabel = "DURATION",
        description = "How much longer (e.g. 30m, 2h, PT2H).")
    Duration duration;

    @Override
    public Integer call() throws InterruptedException {
      // Sent as step files write durations (2h30m), the form the lab reads.
      String asWritten = Durations.format(duration);
      LabStatus status = update("extend", LabStatus.class, asWritten);
      out().println("Lab " + labId + " extended by " + asWritten + ".");
      StatusPrinter.print(status, out());
      return 0;
    }
  }
}
