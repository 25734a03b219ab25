package io.labflow.activities.model;


/** Result of AssociateInstanceProfile; {@code change} is unchanged, associated or replaced. */
public record AssociationOutput(
    String instanceId,
    String instanceProfileArn,
    String associationId,
    String change) {}
