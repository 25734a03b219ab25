package io.labflow.activities.model;


/** Input of DeleteRole. */
public record DeleteRoleInput(
    String labId,
    String roleName) {}
