package io.labflow.workflows.interpreter;

import java.util.List;

/**
 * What a rollback or teardown did.
 *
 * @param undone steps whose compensation succeeded, in the order they ran
 * @param nothingToUndo steps whose compensation needed outputs the step never produced
 * @param failed steps whose compensation still failed, each with its error
 */
record RollbackReport(List<String> undone, List<String> nothingToUndo, List<String> failed) {

  boolean clean() {
    return failed.isEmpty();
  }

  /** For example {@code rolled back: b, a; could not roll back: none}. */
  String describe(String verb) {
    StringBuilder sb = new StringBuilder();
    sb.append(verb).append(": ").append(undone.isEmpty() ? "none" : String.join(", ", undone));
    if (!nothingToUndo.isEmpty()) {
      sb.append("; nothing to undo: ").append(String.join(", ", nothingToUndo));
    }
    sb.append("; could not ")
        .append(verb.replace("rolled back", "roll back").replace("torn down", "tear down"))
        .append(": ")
        .append(failed.isEmpty() ? "none" : String.join(", ", failed));
    return sb.toString();
  }
}
