package io.labflow.workflows.model;

import java.util.List;

/**
 * One of the learner's tasks: what to do (title, Markdown instructions), the conditions that say it
 * is done, the steps that do it for an instructor ({@code solve}) and the steps that make what the
 * learner created the lab's own once it passed ({@code adopt}, their undos run at teardown).
 *
 * @param instructions Markdown; may be null
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

  Task resolvedBy(StepDefaults defaults) {
    return new Task(id, title, instructions, points, checks, Step.resolveAll(solve, defaults),
        Step.resolveAll(adopt, defaults), line);
  }
}
