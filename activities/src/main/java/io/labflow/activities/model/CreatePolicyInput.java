package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;

/** Input of CreatePolicy: a managed policy allowing {@code actions} on one bucket. */
public record CreatePolicyInput(
    String labId,
    String policyName,
    String bucketName,
    List<String> actions,
    @Nullable Boolean resourceWildcard) {}
