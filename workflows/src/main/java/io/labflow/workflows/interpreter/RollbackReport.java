package io.labflow.workflows.interpreter;

import java.util.List;

/**
 * What a rollback or teardown did.
 *
 * @param undone steps whose compensation succeeded, in the order they ran
 * @param nothingToUndo steps whose compensation had nothing to undo: it needed outputs the step
 *     never produced, or the step was refused (someone else's resource) and its undo refused too
 * @param failed steps whose compensation still failed, each with its error
 */
record RollbackReport(List<String> undone, List<String> nothingToUndo, List<String> failed) {

  boolean clean() {
    return failed.isEmpty();
  }

  /**
   * After a refusal whose rollback was clean: {@code nothing was created} when no undo had work,
   * else {@code everything created was undone (rolled back: b, a; nothing to undo: c)}.
   */
  String describeRefusal() {
    if (undone.isEmpty()) {
      return "nothing was created";
    }
    return "everything created was undone (rolled back: "
        + String.join(", ", undone)
        + (nothingToUndo.isEmpty() ? "" : "; nothing to undo: " + String.join(", ", nothingToUndo))
        + ")";
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
