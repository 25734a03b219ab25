package io.labflow.activities.learner;

import io.labflow.activities.model.Limit;
import jakarta.annotation.Nullable;
import java.util.List;

/**
 * Input of CheckAccess: the role is allowed exactly {@code allow} and denied {@code deny};
 * {@code budgetSeconds} bounds the wait for IAM to propagate a change (default 15).
 */
public record CheckAccessInput(
    String labId,
    String roleName,
    String bucketName,
    List<String> allow,
    List<String> deny,
    @Nullable @Limit(what = Limit.BUDGET, min = 0, max = Limit.MAX_BUDGET) Integer budgetSeconds) {}
