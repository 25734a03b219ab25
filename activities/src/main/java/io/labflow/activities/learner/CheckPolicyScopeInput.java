package io.labflow.activities.learner;

import java.util.List;

/** Input of CheckPolicyScope: the policy allows exactly {@code actions}, only on the bucket. */
public record CheckPolicyScopeInput(
    String labId, String policyName, String bucketName, List<String> actions) {}
