package io.labflow.worker.reset;

import io.labflow.workflows.lab.LabState;

/**
 * What a reset did.
 *
 * @param cleanup how the old lab went away: {@code TORN_DOWN(<final state>)+SWEPT} when an open
 *     run tore itself down (then anything still tagged was swept), {@code DELETED_BY_TAG} when no
 *     run was open and the lab's resources were deleted by their tag
 * @param sweptByTag what the tag sweep deleted ({@code nothing} after a clean teardown)
 * @param previousRunId the run torn down, or null
 * @param newRunId the fresh lab's run id; null after a sweep ({@link ResetRequest#sweepOnly})
 * @param state the fresh lab's state when the reset finished (LIVE, or COMPLETED when the
 *     definition keeps nothing alive); null after a sweep
 */
public record ResetResult(
    String labId,
    String cleanup,
    String sweptByTag,
    String previousRunId, String newRunId, LabState state) {}
