package io.labflow.activities.learner;

/** Input of CheckProfileOnInstance: the instance's associated instance profile is this one. */
public record CheckProfileOnInstanceInput(
    String labId, String instanceId, String instanceProfileName) {}
