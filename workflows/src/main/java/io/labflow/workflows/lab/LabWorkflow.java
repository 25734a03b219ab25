package io.labflow.workflows.lab;

import io.temporal.common.converter.RawValue;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The interpreter: one workflow type that runs any definition.
 *
 * <p>It resolves the request through {@link DefinitionActivities}, runs each step as an activity
 * whose type is the step's action, registers each step's compensation before calling it, and on
 * failure rolls back or pauses as the definition says. When the definition keeps the lab alive, it
 * then waits for {@link #switchVariant} or {@link #teardown}.
 */
@WorkflowInterface
public interface LabWorkflow {

  /** The workflow type, as typed in the Web UI. */
  String TYPE = "LabWorkflow";

  /**
   * The key under which the worker adds the attempt that succeeded to a step's result, when it is
   * above 1: the workflow learns of a result, not of its attempt, and an event per retry would grow
   * the history. The interpreter takes it out before the result becomes the step's outputs.
   */
  String ATTEMPT_KEY = "labflow:attempt";

  /**
   * Runs the lab to its end and returns its final status.
   *
   * @param request a {@link LabRequest} as JSON ({@link io.labflow.workflows.input.RawJson#of}
   *     makes one from a Java value); any other payload fails the run at once with a non-retryable
   *     {@code InvalidRequest} naming the wrong fields. The payload is read raw, within limits, by
   *     the workflow, so that no input of any depth or size can fail a workflow task
   */
  @WorkflowMethod(name = TYPE)
  LabResult run(RawValue request);

  @QueryMethod(description = "Every step's state, attempt, outputs (policy documents as JSON) and"
      + " last error; the paused step; the last request the lab could not apply. No input.")
  LabStatus status();

  /*
   * Update and signal arguments are read raw (a {@link Decision} name, a variant name; {@link
   * io.labflow.workflows.input.RawJson#of} makes one) and checked by the validators, so a wrong
   * value, of any depth or size, is rejected with a sentence instead of failing a task. An update
   * that takes no input refuses one; Java callers pass null, which is sent as JSON null.
   */

  /** Returns the status right after the decision is taken. */
  @UpdateMethod(description = "Decide for a paused lab. Input: \"RETRY\" (run the failed step"
      + " again), \"SKIP\" or \"ROLLBACK\". Rejected at once, with the reason, unless the lab is"
      + " paused.")
  LabStatus resume(RawValue decision);

  @SignalMethod(description = "The resume decision as a signal (\"RETRY\", \"SKIP\" or"
      + " \"ROLLBACK\"). Prefer the Update resume: a signal that cannot apply is only noted in the"
      + " status.")
  void decide(RawValue decision);

  /** Runs the definition's {@code onVariantChange} steps; returns the status once they are done. */
  @UpdateMethod(description = "Switch a live lab to another variant and verify it again. Input:"
      + " the variant's name in quotes, e.g. \"read-write\".")
  LabStatus switchVariant(RawValue variant);

  /** @param none no input (null): an input is refused, so that nothing is torn down by mistake */
  @UpdateMethod(description = "Tear a live or paused lab down: every created resource is deleted,"
      + " newest first. No input (an input is refused).")
  LabStatus teardown(RawValue none);

  /**
   * A teardown recorded while no worker could take the Update {@link #teardown}: the command line
   * sends it when no worker polls the task queue, and the lab acts on it once one does. It waits
   * until the lab is live, paused or ended, then takes the Update's path; a teardown that cannot
   * apply is noted in the status and the log, never thrown.
   */
  @SignalMethod(description = "A teardown that waits for a worker: once the lab is live or paused"
      + " it is torn down as by the Update teardown; otherwise it is only noted in the status. No"
      + " input.")
  void requestTeardown();

  @UpdateValidatorMethod(updateName = "resume")
  void validateResume(RawValue decision);

  /** Rejects {@link #switchVariant} unless the lab is live and the variant is another known one. */
  @UpdateValidatorMethod(updateName = "switchVariant")
  void validateSwitchVariant(RawValue variant);

  @UpdateValidatorMethod(updateName = "teardown")
  void validateTeardown(RawValue none);

  /*
   * Learner mode: a definition with tasks stays live while its learner works; these Updates check,
   * solve or skip the current task. They are rejected (by their validators) unless the lab is live
   * and has an open task.
   */

  /**
   * Runs each check of the current task (they read, never change, the learner's resources); when
   * all pass, the task's points are earned and what it made is adopted by the lab.
   */
  @UpdateMethod(description = "Check the learner's current task: every condition passed or failed,"
      + " with its message and hint; the lab advances when all pass. No input.")
  CheckAnswer check(RawValue none);

  /** The solve steps' undos are registered as for any step. */
  @UpdateMethod(description = "Instructor: do the current task with its solve steps, then check it"
      + " (no points). No input.")
  CheckAnswer solve(RawValue none);

  @UpdateMethod(description = "Instructor: skip the current task (no points); the next becomes"
      + " current. No input.")
  CheckAnswer skip(RawValue none);

  /** Returns the status once extended; the maximum lifetime is the definition's. */
  @UpdateMethod(description = "Keep a live lab longer. Input: a duration in quotes, e.g. \"2h\";"
      + " refused past the lab's maximum lifetime.")
  LabStatus extend(RawValue duration);

  @UpdateValidatorMethod(updateName = "check")
  void validateCheck(RawValue none);

  /** Rejects {@link #solve} unless the lab is live with an open task that has solve steps. */
  @UpdateValidatorMethod(updateName = "solve")
  void validateSolve(RawValue none);

  @UpdateValidatorMethod(updateName = "skip")
  void validateSkip(RawValue none);

  @UpdateValidatorMethod(updateName = "extend")
  void validateExtend(RawValue duration);
}
