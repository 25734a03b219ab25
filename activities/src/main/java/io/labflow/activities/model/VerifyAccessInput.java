package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;

/** Input of VerifyAccess. The role is named by ARN or name; {@code method} is simulate (default) or probe; {@code budgetSeconds} bounds the wait for IAM propagation (default 120). */
public record VerifyAccessInput(
    String labId,
    @Nullable String roleArn,
    @Nullable String roleName,
    String bucketName,
    List<String> allow,
    List<String> deny,
    @Nullable String method,
    @Nullable @Limit(what = Limit.BUDGET, min = 0, max = Limit.MAX_BUDGET) Integer budgetSeconds) {}
