package io.labflow.activities.model;


/** Result of CreateInstanceProfile. */
public record InstanceProfileOutput(
    String instanceProfileName,
    String instanceProfileArn,
    String roleName,
    boolean adopted) {}
