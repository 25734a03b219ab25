package io.labflow.activities.learner;

import java.util.List;

/**
 * Result of DeleteLearnerAccess: what was deleted ({@code role/...}, {@code policy/...}, {@code
 * instance-profile/...}, {@code association/...}) and what was left because it is not the lab's
 * (created before the lab, or another lab's), each with why.
 */
public record DeleteLearnerAccessOutput(List<String> deleted, List<String> untouched) {}
