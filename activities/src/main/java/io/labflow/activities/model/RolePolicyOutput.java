package io.labflow.activities.model;


/** Result of AttachRolePolicy / DetachRolePolicy: whether the policy is attached now and whether this call changed it. */
public record RolePolicyOutput(
    String roleName,
    String policyArn,
    boolean attached,
    boolean changed) {}
