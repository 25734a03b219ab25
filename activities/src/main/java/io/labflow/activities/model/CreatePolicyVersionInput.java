package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;

/** Input of CreatePolicyVersion; the policy is named by ARN or by name. */
public record CreatePolicyVersionInput(
    String labId,
    @Nullable String policyArn,
    @Nullable String policyName,
    String bucketName,
    List<String> actions,
    @Nullable Boolean resourceWildcard) {}
