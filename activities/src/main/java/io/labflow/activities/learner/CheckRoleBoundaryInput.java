package io.labflow.activities.learner;

/** Input of CheckRoleBoundary: the role's permissions boundary is this managed policy. */
public record CheckRoleBoundaryInput(String labId, String roleName, String boundaryPolicyName) {}
