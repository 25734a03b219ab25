package io.labflow.activities.learner;

/** The resource adopted, and whether this call tagged it (false: it was already the lab's). */
public record AdoptOutput(String arn, boolean tagged) {}
