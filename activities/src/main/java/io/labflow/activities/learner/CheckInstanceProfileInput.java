package io.labflow.activities.learner;

/** Input of CheckInstanceProfile: the instance profile exists and holds the role. */
public record CheckInstanceProfileInput(
    String labId, String instanceProfileName, String roleName) {}
