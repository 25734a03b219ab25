package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** Input of AttachRolePolicy and DetachRolePolicy; the policy is named by ARN or by name (a customer managed policy of this account). */
public record RolePolicyInput(
    String labId,
    String roleName,
    @Nullable String policyArn,
    @Nullable String policyName) {}
