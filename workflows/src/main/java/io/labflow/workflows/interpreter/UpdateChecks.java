package io.labflow.workflows.interpreter;

import io.labflow.workflows.input.Arguments;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabState;
import io.temporal.common.converter.RawValue;
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

  static void noInput(String update, RawValue none) {
    argument(() -> {
      Arguments.none(none, update);
      return none;
    });
  }

  static void paused(LabRun lab) {
    require(lab.state() == LabState.PAUSED && lab.decision() == null, lab,
        FailureTypes.NOT_PAUSED, "is not paused");
  }

  /** The lab is live; {@code how} says what it is not ("not live", "no longer live"). */
  static void live(LabRun lab, String how) {
    require(lab.state() == LabState.LIVE, lab, FailureTypes.NOT_LIVE, "is " + how);
  }

  static void liveOrPaused(LabRun lab) {
    require(lab.state() == LabState.LIVE || lab.state() == LabState.PAUSED, lab,
        FailureTypes.NOT_LIVE, "can be torn down only when live or paused");
  }

  /** The variant exists and is not the one the lab runs. */
  static void otherVariant(LabRun lab, String newVariant) {
    Map<String, Map<String, Object>> variants = lab.definition().variants();
    if (variants == null || !variants.containsKey(newVariant)) {
      throw Failures.reject(FailureTypes.INVALID_ARGUMENT, "unknown variant '" + newVariant
          + "'; known: " + (variants == null ? "none" : variants.keySet()));
    }
    if (newVariant.equals(lab.variant())) {
      throw Failures.reject(FailureTypes.INVALID_ARGUMENT,
          "lab " + lab.labId() + " already runs variant " + newVariant);
    }
  }

  /** Rejects with {@code type} and "lab ID {@code what} (STATE)" unless {@code holds}. */
  private static void require(boolean holds, LabRun lab, String type, String what) {
    if (!holds) {
      throw Failures.reject(type, "lab " + lab.labId() + " " + what + " (" + lab.state() + ")");
    }
  }
}
