package io.labflow.activities.model;


/** Result of CreateRole. */
public record RoleOutput(
    String roleName,
    String roleArn,
    boolean adopted) {}
