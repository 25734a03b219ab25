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
  COMPENSATION_FAILED
}
