package io.labflow.workflows.lab;

import java.util.List;

/**
 * The answer of the status query: every step in order ({@code onVariantChange} steps once they
 * ran), the step waiting for an operator, the last failure, the last request the lab could not
 * apply (a {@code decide} signal while not paused) and the learner's tasks; each null if none.
 * {@code switchTo}: the variants a {@code switchVariant} can go to, the lab's other variants when
 * its definition has {@code onVariantChange} steps, else none (a switch would run nothing).
 * {@code until}: when a live lab's keep-alive or a paused lab's pause runs out ({@code
 * 2026-12-02T07:20Z}), after which it tears itself down or rolls back; null in other states, or
 * when it has none.
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
    LearnerProgress learner,
    List<String> switchTo,
    String until) {}
