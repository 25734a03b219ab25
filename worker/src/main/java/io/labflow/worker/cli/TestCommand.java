package io.labflow.worker.cli;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.inventory.LabInventoryActivitiesImpl;
import io.labflow.worker.client.LabFollower;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test", description = {
    "Tests a definition's learner tasks on the configured stack, then tears the lab down.",
    "Starts a lab as `run` does and waits until it is LIVE; then for each task in order, its",
    "check must not pass, then its solve must make it pass. Then it always tears the lab down",
    "and counts what is left of it (by its tag and by its names, with this shell's AWS",
    "configuration), which must be nothing.",
    "One line per task, then a summary. Exit code: 0 no deviation, 1 any deviation, 2 usage,",
    "4 no worker polls the task queue (nothing started)."})
final class TestCommand extends BaseCommand {

  @Parameters(paramLabel = "DEFINITION", description = "A step file, or a definition name.")
  String file;

  @Option(names = "--lab-id",
      description = "The lab id (workflow id); default test-<6 random letters and digits>.")
  String labId;

  @Mixin RunCommand.StartOptions options;

  @Option(names = "--live-within", defaultValue = "30m",
      description = "How long the lab may take to be LIVE (default ${DEFAULT-VALUE}).")
  Duration liveWithin;

  @Option(names = "--down-within", defaultValue = "30m",
      description = "How long its teardown may take (default ${DEFAULT-VALUE}).")
  Duration downWithin;

  /**
   * What is left of a lab (tests count their own), read only in an account the worker's guard
   * allows: elsewhere the lab cannot be, and finding nothing there would pass the test.
   */
  Function<String, List<String>> leftovers = labId -> {
    Composition.AwsAccess aws = Composition.awsAccess(List.of());
    try (AwsClients clients = aws.clients()) {
      aws.guard().verify();
      return LabInventoryActivitiesImpl.leftovers(clients, labId);
    }
  };

  private String runId;
  private int tasks;
  private int passed;
  private final List<String> deviations = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    if (labId == null) {
      labId = "test-" + UUID.randomUUID().toString().substring(0, 6);
    }
    RunCommand.Start start =
        RunCommand.prepare(root(), file, labId, options, null, err(), "with labflow test");
    String definition = start.starter().definition();
    // Ctrl-C: the test promised a teardown, so it asks for one as it stops.
    try (RunCommand.Started started = RunCommand.start(this, start, this::askTeardown)) {
      runId = started.runId();
      out().printf("Testing definition %s as lab %s (run %s) on task queue %s%n",
          definition, labId, runId, root().taskQueue);
      printWebUi(labId);
      try {
        testTasks(awaitLive());
      } catch (RuntimeException e) {
        deviation("the test stopped: " + Main.describe(e));
      } finally {
        try {
          tearDown();
        } catch (RuntimeException e) {
          deviation("the teardown failed: " + Main.describe(e));
        }
      }
    }
    countLeftovers();
    out().printf("labflow test %s (lab %s): %d tasks, %d pass only after their solve,"
        + " %d deviation%s: %s%n", definition, labId, tasks, passed, deviations.size(),
        deviations.size() == 1 ? "" : "s", deviations.isEmpty() ? "PASSED" : "FAILED");
    deviations.forEach(d -> out().println("  deviation: " + d));
    return deviations.isEmpty() ? 0 : 1;
  }

  /** The learner's tasks once the lab is LIVE; none (a deviation) when it is not. */
  private List<LearnerProgress.Task> awaitLive() throws InterruptedException {
    out().println("Waiting up to " + Durations.format(liveWithin) + " for lab " + labId
        + " to be LIVE (its provisioning steps)...");
    LabFollower.Outcome o = new LabFollower(connect(), out(), poll)
        .follow(labId, runId, null, liveWithin, LabFollower.LIVE_OR_PAUSED);
    if (o.closed() || o.state() != LabState.LIVE) {
      deviation("lab " + labId + " did not become LIVE within " + Durations.format(liveWithin)
          + " (" + (o.closed() ? "its run closed " : "") + o.state() + ")");
      return List.of();
    }
    LearnerProgress progress = o.status().orElseThrow().learner();
    if (progress == null || progress.tasks().isEmpty()) {
      deviation("lab " + labId + " has no learner tasks to test");
      return List.of();
    }
    out().println("Lab " + labId + " is LIVE; testing its " + progress.tasks().size() + " tasks.");
    return progress.tasks();
  }

  /** Tests each task in order; after a task that was not done, the rest is untested. */
  private void testTasks(List<LearnerProgress.Task> list) throws InterruptedException {
    tasks = list.size();
    String notDone = null;
    for (LearnerProgress.Task task : list) {
      if (notDone != null) {
        line(task, "not tested: task " + notDone + " was not done", false);
      } else if (!test(task)) {
        notDone = task.id();
      }
    }
  }

  /** Checks a task, solves it and checks it again; false when it was not done. */
  private boolean test(LearnerProgress.Task task) throws InterruptedException {
    String id = task.id();
    try {
      CheckAnswer before = answer(root().taskQueue, labId, "check", CheckAnswer.class);
      if (!id.equals(before.taskId())) {
        return line(task, deviation("task " + id + " is not the current task (the lab checked "
            + before.taskId() + ")"), false);
      }
      if (before.passed()) {
        return line(task, deviation("task " + id + " passes before its solve"), true);
      }
      CheckAnswer after = answer(root().taskQueue, labId, "solve", CheckAnswer.class);
      if (!after.passed()) {
        return line(task, deviation("task " + id + " does not pass after its solve: "
            + after.conditions().stream().filter(c -> !c.passed()).map(c -> c.id() + " ("
                + c.message() + (c.detail() == null ? "" : "; found: " + c.detail()) + ")")
                .collect(Collectors.joining(", "))), false);
      }
      passed++;
      long failedBefore = before.conditions().stream().filter(c -> !c.passed()).count();
      return line(task, "ok: " + failedBefore + " of " + before.conditions().size()
          + " conditions fail before its solve, all pass after", true);
    } catch (NoWorker | ClosedLab e) {
      throw e;
    } catch (RuntimeException e) {
      return line(task, deviation("task " + id + ": " + Main.describe(e)), false);
    }
  }

  /** Always: a teardown (or, when the lab cannot take one now, the recorded one), followed. */
  private void tearDown() throws InterruptedException {
    try {
      ClosedLab.openRunQueue(connect().client(), labId);
    } catch (ClosedLab ended) {
      out().println(ended.getMessage() + "; nothing to tear down");
      return;
    }
    out().println("Tearing lab " + labId + " down; waiting up to " + Durations.format(downWithin)
        + " for its run to end TORN_DOWN...");
    // The follow's starting point: only what the teardown changes is news.
    LabStatus before = before(labId);
    boolean taken = false;
    try {
      taken = sent(root().taskQueue, labId, "teardown", LabStatus.class) != null;
    } catch (RuntimeException refused) {
      out().println("  teardown refused now (" + Main.describe(refused)
          + "); recording it for when the lab can take it");
    }
    if (!taken) {
      recordTeardown(labId);
    }
    LabFollower.Outcome o = new LabFollower(connect(), out(), poll)
        .follow(labId, runId, before, downWithin, s -> false);
    if (!o.closed() || (o.state() != LabState.TORN_DOWN && o.state() != LabState.ROLLED_BACK)) {
      deviation("lab " + labId + " did not end TORN_DOWN within " + Durations.format(downWithin)
          + " (" + (o.closed() ? "its run closed " : "still ") + o.state() + ")");
    } else {
      out().println("Lab " + labId + " is " + o.state() + ".");
    }
  }

  /** The requestTeardown signal, which the lab takes in any state. */
  private void askTeardown() {
    try {
      recordTeardown(labId);
      out().printf("%nStopped; asked lab %s to tear down: labflow status %1$s%n", labId);
    } catch (RuntimeException e) {
      out().printf("%nStopped; could not ask lab %s to tear down (%s): labflow teardown %1$s%n",
          labId, Main.describe(e));
    }
  }

  private void countLeftovers() {
    out().println("Counting what is left of lab " + labId + " (by its tag and by its names)...");
    try {
      List<String> left = leftovers.apply(labId);
      out().println("Left of lab " + labId + ": " + left.size() + " resources"
          + (left.isEmpty() ? "" : ": " + String.join(", ", left)));
      if (!left.isEmpty()) {
        deviation(left.size() + " resources of lab " + labId + " left after its teardown: "
            + String.join(", ", left));
      }
    } catch (RuntimeException e) {
      deviation("cannot count what is left of lab " + labId + ": " + Main.describe(e));
    }
  }

  private String deviation(String what) {
    deviations.add(what);
    return "DEVIATION: " + what;
  }

  private boolean line(LearnerProgress.Task task, String what, boolean done) {
    out().printf("task %-20s %s%n", task.id(), what);
    return done;
  }
}
