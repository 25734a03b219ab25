package io.labflow.worker.reset;

import io.labflow.workflows.lab.LabState;

/**
 * What a reset did.
 *
 * @param labId the lab id
 * @param cleanup how the old lab went away: {@code TORN_DOWN} (its live run tore itself down),
 *     {@code DELETED_BY_TAG} (no live run; leftovers deleted by the lab tag), or both joined by a
 *     plus sign when the teardown left something behind
 * @param previousRunId the run torn down, or null
 * @param newRunId the fresh lab's run id
 * @param state the fresh lab's state when the reset finished (LIVE, or COMPLETED when the
 *     definition keeps nothing alive)
 */
public record ResetResult(
    String labId, String cleanup, String previousRunId, String newRunId, LabState state) {}
