package io.labflow.workflows.model;

/** What the interpreter does when a step fails after its retries. */
public enum OnFailure {
  /** Undo every started step in reverse order, then fail the run. */
  ROLLBACK,
  /** Wait durably for an operator to retry, skip or roll back. */
  PAUSE
}
