package io.labflow.activities.model;

import java.util.List;

/**
 * Result of DeleteLabResources.
 *
 * @param deleted what the sweep deleted itself (resources of deleted stacks go with them)
 * @param remaining what is still there afterwards, read again
 * @param blocked why the sweep could not finish: each resource that resisted or could not be
 *     read, with the reason; empty when the sweep finished
 */
public record DeleteLabResourcesOutput(
    LabResources deleted, LabResources remaining, List<String> blocked) {

  public DeleteLabResourcesOutput {
    blocked = blocked == null ? List.of() : List.copyOf(blocked);
  }

  /** Whether nothing is left and nothing blocked the sweep. */
  public boolean complete() {
    return blocked.isEmpty() && remaining.noneTagged();
  }
}
