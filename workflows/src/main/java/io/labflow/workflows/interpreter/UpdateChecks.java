package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabState;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the lab's updates require, shared by each update's validator and its handler: a request
 * that breaks one is rejected with a sentence, before anything is written to history.
 */
final class UpdateChecks {

  private UpdateChecks() {}

  /** Reads an update's argument; a wrong one is rejected with the reader's sentence. */
  static <T> T argument(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException wrong) {
      throw Failures.reject(FailureTypes.INVALID_ARGUMENT, wrong.getMessage());
    }
  }

  /** A step is paused and waiting for a decision. */
  static void paused(LabRun lab) {
    if (lab.state() != LabState.PAUSED || lab.decision() != null) {
      throw Failures.reject(
          FailureTypes.NOT_PAUSED, "lab " + lab.labId() + " is not paused (" + lab.state() + ")");
    }
  }

  /** The lab is live; {@code how} says what it is not ("not live", "no longer live"). */
  static void live(LabRun lab, String how) {
    if (lab.state() != LabState.LIVE) {
      throw Failures.reject(
          FailureTypes.NOT_LIVE, "lab " + lab.labId() + " is " + how + " (" + lab.state() + ")");
    }
  }

  /** The variant exists and is not the one the lab runs. */
  static void otherVariant(LabRun lab, String newVariant) {
    Map<String, Map<String, Object>> variants = lab.definition().variants();
    if (newVariant == null || variants == null || !variants.containsKey(newVariant)) {
      throw Failures.reject(
          FailureTypes.INVALID_ARGUMENT,
          "unknown variant '"
              + newVariant
              + "'; known: "
              + (variants == null ? "none" : variants.keySet()));
    }
    if (newVariant.equals(lab.variant())) {
      throw Failures.reject(
          FailureTypes.INVALID_ARGUMENT,
          "lab " + lab.labId() + " already runs variant " + newVariant);
    }
  }

  /** The lab can be torn down: it is live or paused. */
  static void liveOrPaused(LabRun lab) {
    if (lab.state() != LabState.LIVE && lab.state() != LabState.PAUSED) {
      throw Failures.reject(
          FailureTypes.NOT_LIVE,
          "lab " + lab.labId() + " can be torn down only when live or paused ("
              + lab.state() + ")");
    }
  }
}
