package io.labflow.activities.learner;

import jakarta.annotation.Nullable;

/**
 * Input of DeleteLearnerAccess: the learner access to remove, and the names under which the
 * learner worked ({@code roleName}, {@code policyName}, {@code instanceProfileName}, the profile's
 * association with {@code instanceId}). {@code notBefore} (ISO-8601 instant, the lab's start):
 * what was created earlier is never touched.
 */
public record DeleteLearnerAccessInput(
    String labId,
    String learnerRoleName,
    String boundaryPolicyName,
    String notBefore,
    String roleName,
    String policyName,
    String instanceProfileName,
    @Nullable String instanceId) {}
