package io.labflow.activities.learner;

/** Input of AdoptInstanceProfile; {@code notBefore} is an ISO-8601 instant (the lab's start). */
public record AdoptInstanceProfileInput(
    String labId, String instanceProfileName, String notBefore) {}
