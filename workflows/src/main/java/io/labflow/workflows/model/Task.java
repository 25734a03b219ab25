package io.labflow.workflows.model;

import java.util.List;

/**
 * One of the learner's tasks: what to do (title, Markdown instructions), the conditions that say it
 * is done, the steps that do it for an instructor ({@code solve}) and the steps that make what the
 * learner created the lab's own once it passed ({@code adopt}, their undos run at teardown).
 *
 * @param id unique id, lowercase letters, digits and dashes
 * @param title one line
 * @param instructions Markdown; may be null
 * @param points what passing it earns (at least 1)
 * @param checks the conditions, in order; never empty
 * @param solve steps that do the task; may be empty
 * @param adopt steps run once every check passed; may be empty
 * @param line the line of the task in its file, for messages; 0 when unknown
 */
public record Task(
    String id,
    String title,
    String instructions,
    int points,
    List<Check> checks,
    List<Step> solve,
    List<Step> adopt,
    int line) {

  public Task {
    checks = checks == null ? List.of() : List.copyOf(checks);
    solve = solve == null ? List.of() : solve;
    adopt = adopt == null ? List.of() : adopt;
  }

  /** This task with its solve and adopt steps resolved against a definition's defaults. */
  Task resolvedBy(StepDefaults defaults) {
    return new Task(
        id,
        title,
        instructions,
        points,
        checks,
        Step.resolveAll(solve, defaults),
        Step.resolveAll(adopt, defaults),
        line);
  }
}
