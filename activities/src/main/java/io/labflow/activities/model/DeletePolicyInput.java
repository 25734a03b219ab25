package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** Input of DeletePolicy; the policy is named by ARN or by name. */
public record DeletePolicyInput(
    String labId,
    @Nullable String policyArn,
    @Nullable String policyName) {}
