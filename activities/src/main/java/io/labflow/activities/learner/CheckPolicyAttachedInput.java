package io.labflow.activities.learner;

/** Input of CheckPolicyAttached: the managed policy is attached to the role. */
public record CheckPolicyAttachedInput(String labId, String roleName, String policyName) {}
