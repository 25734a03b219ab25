package io.labflow.activities.learner;

/** Input of CheckRoleTrust: only {@code servicePrincipal} (ec2.amazonaws.com) may assume the role. */
public record CheckRoleTrustInput(String labId, String roleName, String servicePrincipal) {}
