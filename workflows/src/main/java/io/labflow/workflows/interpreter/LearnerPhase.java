package io.labflow.workflows.interpreter;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.CheckAnswer.Condition;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.LearnerProgress.TaskState;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.Task;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Learner mode: the tasks of a live lab, checked, solved or skipped one at a time. A check runs
 * every condition of the current task as an activity named by its action (all of them, even when
 * one fails); when all pass, the task's {@code adopt} steps run through the {@link StepRunner}
 * (their undos registered first and run by teardown like any step's) and the next task is current.
 * A failed solve or adopt step leaves the lab live and the answer not passed, saying why.
 */
final class LearnerPhase {

  private static final Logger log = Workflow.getLogger(LearnerPhase.class);

  private final LabRun run;
  private final StepRunner runner;
  /** How each task ended, by id; a task not in it is open. */
  private final Map<String, TaskState> states = new HashMap<>();
  private int score;
  private CheckAnswer last;

  LearnerPhase(LabRun run, StepRunner runner) {
    this.run = run;
    this.runner = runner;
  }

  /** Whether the lab's definition has tasks (false before it is resolved). */
  boolean hasTasks() {
    return run.definition() != null && !run.definition().tasks().isEmpty();
  }

  /**
   * Rejects an Update with an input, or unless the lab is live with an open task (one with solve
   * steps for {@code solve}).
   */
  void admit(String update, RawValue none) {
    UpdateChecks.noInput(update, none);
    if (!hasTasks()) {
      throw Failures.reject(
          FailureTypes.NO_OPEN_TASK, update + ": lab " + run.labId() + " has no learner tasks");
    }
    UpdateChecks.live(run, "not live");
    Task task = current();
    if (task == null) {
      throw Failures.reject(FailureTypes.NO_OPEN_TASK, update + ": every task of lab " + run.labId()
          + " is done; tear it down (labflow teardown " + run.labId()
          + ", or the Update teardown)");
    }
    if (update.equals("solve") && task.solve().isEmpty()) {
      throw Failures.reject(FailureTypes.NO_OPEN_TASK,
          "solve: task '" + task.id() + "' has no solve steps; check or skip it");
    }
  }

  /** Checks the current task; when every condition holds, adopts and moves on (points earned). */
  CheckAnswer check(RawValue none) {
    admit("check", none);
    return grade(current(), TaskState.PASSED);
  }

  /** Runs the current task's solve steps, then checks it (no points). */
  CheckAnswer solve(RawValue none) {
    admit("solve", none);
    Task task = current();
    String failed = runner.runOnce(task.solve());
    if (failed != null) {
      return answer(task, false, List.of(new Condition(task.id(), false, failed, null, null)));
    }
    return grade(task, TaskState.SOLVED);
  }

  /** Marks the current task skipped (no points). */
  CheckAnswer skip(RawValue none) {
    admit("skip", none);
    Task task = current();
    states.put(task.id(), TaskState.SKIPPED);
    log.info("lab {}: task {} skipped", run.labId(), task.id());
    return answer(task, false, List.of());
  }

  /** Where the learner stands; null for a lab without tasks. */
  LearnerProgress progress() {
    if (!hasTasks()) {
      return null;
    }
    List<LearnerProgress.Task> tasks = run.definition().tasks().stream()
        .map(t -> new LearnerProgress.Task(t.id(), text(t.title()), t.points(), state(t)))
        .toList();
    Task current = current();
    return new LearnerProgress(tasks, current == null ? null : current.id(),
        current == null ? null : text(current.instructions()), score, maxScore(), last);
  }

  /** The task the learner works on; null when every task is done. */
  Task current() {
    return run.definition().tasks().stream()
        .filter(t -> state(t) == TaskState.OPEN)
        .findFirst()
        .orElse(null);
  }

  private TaskState state(Task task) {
    return states.getOrDefault(task.id(), TaskState.OPEN);
  }

  /** A task's title or instructions, a check's message or hint, with its {@code ${...}} filled in. */
  String text(String template) {
    if (template == null) {
      return null;
    }
    try {
      return String.valueOf(run.evaluate(Map.of("text", template)).get("text"));
    } catch (ExpressionException notYet) {
      return template; // A step's output the lab does not have (yet): the text as written.
    }
  }

  private CheckAnswer grade(Task task, TaskState onPass) {
    List<Condition> conditions = runChecks(task);
    boolean passed = conditions.stream().allMatch(Condition::passed);
    if (passed) {
      String failed = runner.runOnce(task.adopt());
      if (failed != null) {
        conditions.add(new Condition(task.id(), false, failed, null, null));
        return answer(task, false, conditions);
      }
      states.put(task.id(), onPass);
      if (onPass == TaskState.PASSED) {
        score += task.points();
      }
      log.info("lab {}: task {} {}", run.labId(), task.id(), onPass);
    }
    return answer(task, passed, conditions);
  }

  /** Every check at once, each its own activity; one that cannot run counts as failed. */
  private List<Condition> runChecks(Task task) {
    List<Promise<Map>> calls = new ArrayList<>();
    for (Check check : task.checks()) {
      ActionStep step = check.asStep(run.definition().defaults());
      try {
        Map<String, Object> input = run.evaluate(step.with());
        calls.add(Workflow.newUntypedActivityStub(
                StepOptions.forStep(step, Summaries.call(step.id(), input)))
            .executeAsync(check.action(), Map.class, input));
      } catch (ExpressionException e) {
        calls.add(Workflow.newFailedPromise(e));
      }
    }
    List<Condition> conditions = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Check check = task.checks().get(i);
      boolean passed = false;
      String detail;
      try {
        Map<?, ?> out = calls.get(i).get();
        passed = Boolean.TRUE.equals(out.get("passed"));
        detail = out.get("detail") == null ? null : String.valueOf(out.get("detail"));
      } catch (ExpressionException e) {
        detail = "could not check: " + e.getMessage();
      } catch (ActivityFailure e) {
        if (Failures.root(e) instanceof CanceledFailure cancelled) {
          throw cancelled;
        }
        detail = "could not check: " + Failures.describe(e);
      }
      conditions.add(new Condition(check.id(), passed, passed ? null : text(check.message()),
          passed ? null : text(check.hint()), detail));
    }
    return conditions;
  }

  private CheckAnswer answer(Task task, boolean passed, List<Condition> conditions) {
    Task next = current();
    last = new CheckAnswer(task.id(), passed, List.copyOf(conditions), score, maxScore(),
        next == null ? null : next.id(), next == null || next == task ? null
            : text(next.instructions()));
    run.publishDetails();
    return last;
  }

  /** The learner's part of the details; empty for a lab without tasks. */
  String details() {
    if (!hasTasks()) {
      return "";
    }
    Task current = current();
    return LabDetails.learner(progress(), current == null ? null : text(current.title()));
  }

  private int maxScore() {
    return run.definition().tasks().stream().mapToInt(Task::points).sum();
  }
}
