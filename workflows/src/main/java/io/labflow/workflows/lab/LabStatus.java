package io.labflow.workflows.lab;

import java.util.List;

/**
 * The answer of the status query.
 *
 * @param steps every step (including {@code onVariantChange} steps once they ran), in order
 * @param pausedStep the id of the step waiting for an operator, or null
 * @param lastError the last failure, or null
 * @param notice the last request the lab could not apply (a {@code decide} signal while not
 *     paused), as a sentence; null if none
 * @param learner the learner's tasks and score; null for a lab without tasks
 */
public record LabStatus(
    String labId,
    String definition,
    String variant,
    LabState state,
    List<StepStatus> steps,
    String pausedStep,
    String lastError,
    String notice,
    LearnerProgress learner) {}
