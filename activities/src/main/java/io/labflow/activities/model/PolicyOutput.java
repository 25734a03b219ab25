package io.labflow.activities.model;


/** Result of CreatePolicy; {@code document} is the default version's JSON. */
public record PolicyOutput(
    String policyArn,
    String policyName,
    String document,
    String defaultVersionId,
    boolean adopted) {}
