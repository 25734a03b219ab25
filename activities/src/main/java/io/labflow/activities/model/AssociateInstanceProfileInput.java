package io.labflow.activities.model;


/** Input of AssociateInstanceProfile. */
public record AssociateInstanceProfileInput(
    String labId,
    String instanceId,
    String instanceProfileName) {}
