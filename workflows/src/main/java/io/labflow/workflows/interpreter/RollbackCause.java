package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;

/** Why a lab undoes what it started: a failed step, a cancellation, or a teardown. */
sealed interface RollbackCause {

  /** Whether the lab is torn down (TEARING_DOWN, then TORN_DOWN) rather than rolled back. */
  default boolean teardown() {
    return false;
  }

  /** The lab's last error once the undo is done; null leaves it as it is. */
  String summary(RollbackReport report, String labId);

  /** The failure the run ends with, or null when it goes on (or ends without one). */
  ApplicationFailure failure(RollbackReport report, String summary);

  /**
   * A step failed and its policy (or the operator) chose to roll back; {@code teardown} when an
   * operator asked for a teardown of the paused lab.
   */
  record StepFailed(String head, boolean refusal, boolean teardown) implements RollbackCause {
    @Override
    public String summary(RollbackReport report, String labId) {
      return head
          + "; "
          + (refusal && !teardown && report.clean()
              ? report.describeRefusal()
              : report.describe(teardown ? "torn down" : "rolled back"));
    }

    @Override
    public ApplicationFailure failure(RollbackReport report, String summary) {
      if (teardown && report.clean()) {
        return Rejections.reject(
            FailureTypes.LAB_TORN_DOWN, "the lab was torn down while paused: " + summary);
      }
      return Rejections.reject(FailureTypes.LAB_FAILED, summary);
    }
  }

  /** The lab was cancelled: the cancellation is what the run ends with. */
  record Cancelled() implements RollbackCause {
    @Override
    public String summary(RollbackReport report, String labId) {
      return "lab cancelled; " + report.describe("rolled back");
    }

    @Override
    public ApplicationFailure failure(RollbackReport report, String summary) {
      return null;
    }
  }

  /** A live lab is torn down (by an operator or its keep-alive); it fails only if something stays. */
  record TornDown() implements RollbackCause {
    @Override
    public boolean teardown() {
      return true;
    }

    @Override
    public String summary(RollbackReport report, String labId) {
      return report.clean()
          ? null
          : "teardown of lab " + labId + " incomplete; " + report.describe("torn down");
    }

    @Override
    public ApplicationFailure failure(RollbackReport report, String summary) {
      return report.clean()
          ? null
          : Rejections.reject(FailureTypes.LAB_FAILED, summary);
    }
  }
}
