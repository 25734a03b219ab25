package io.labflow.workflows.interpreter;

/** How a step (or a parallel group, through its first failing branch) failed. */
record StepFailure(String stepId, String action, String message, boolean refused) {

  String head() {
    return "step '" + stepId + "' (" + action + ") " + (refused ? "refused" : "failed") + ": "
        + message;
  }
}
