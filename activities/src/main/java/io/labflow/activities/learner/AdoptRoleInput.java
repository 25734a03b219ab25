package io.labflow.activities.learner;

/** Input of AdoptRole; {@code notBefore} is an ISO-8601 instant (the lab's start). */
public record AdoptRoleInput(String labId, String roleName, String notBefore) {}
