package io.labflow.activities.learner;

import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.model.Limit;
import io.labflow.activities.quotas.Quota;
import jakarta.annotation.Nullable;

/**
 * Input of CreateLearnerAccess: the learner's role {@code learnerRoleName}, which {@code
 * trustedPrincipalArn} (the operator who issues the credentials) may assume, and the permissions
 * boundary {@code boundaryPolicyName} every role the learner creates must carry; the learner may put
 * an instance profile only on {@code instanceId} (when given) and only while it carries the lab's tag.
 */
public record CreateLearnerAccessInput(
    String labId,
    @Limit(what = Quota.ROLE_AND_POLICY_NAME, max = 64, pattern = "[A-Za-z0-9+=,.@_-]+", rule = "letters, digits and +=,.@_-")
        String learnerRoleName,
    @Limit(what = "IAM policy name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+", rule = "letters, digits and +=,.@_-")
        String boundaryPolicyName,
    @Limit(what = "trusted principal ARN", max = 2048, format = "arn") String trustedPrincipalArn,
    @Limit(what = CreatePolicyInput.S3_BUCKET, min = 3, max = 63,
        pattern = CreatePolicyInput.BUCKET_PATTERN, rule = CreatePolicyInput.BUCKET_RULE)
        String bucketName,
    @Nullable String instanceId) {}
