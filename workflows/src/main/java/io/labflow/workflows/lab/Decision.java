package io.labflow.workflows.lab;

/** An operator's decision for a paused lab. */
public enum Decision {
  /** Run the failed step again (with its full retry policy). */
  RETRY,
  /** Treat the failed step as done with no outputs and go on. */
  SKIP,
  /** Undo every started step in reverse order. */
  ROLLBACK
}
