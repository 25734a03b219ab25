package io.labflow.activities.learner;

/** Input of AdoptPolicy; {@code notBefore} is an ISO-8601 instant (the lab's start). */
public record AdoptPolicyInput(String labId, String policyName, String notBefore) {}
