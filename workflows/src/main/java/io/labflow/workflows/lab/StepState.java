package io.labflow.workflows.lab;

/** The state of one step in {@link LabStatus}. */
public enum StepState {
  PENDING,
  RUNNING,
  DONE,
  SKIPPED,
  FAILED,
  COMPENSATING,
  COMPENSATED,
  COMPENSATION_FAILED,
  /**
   * Refused before it changed anything (a resource of its name is someone else's) and its undo
   * refused the same resource: the step created nothing, so nothing was undone.
   */
  REFUSED
}
