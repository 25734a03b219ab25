package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/**
 * Input of CreateRole. {@code trustedPrincipalArn} optionally lets one more AWS principal (for
 * example the labflow worker's own role, needed for probe verification) assume the role; {@code
 * permissionsBoundaryArn} optionally sets the role's permissions boundary (a learner lab's roles
 * carry the lab's).
 */
public record CreateRoleInput(
    String labId,
    @Limit(what = "IAM role name", max = 64, pattern = "[A-Za-z0-9+=,.@_-]+", rule = "letters, digits and +=,.@_-")
        String roleName,
    @Nullable String servicePrincipal,
    @Nullable @Limit(what = "trusted principal ARN", max = 2048, format = "arn")
        String trustedPrincipalArn,
    @Nullable String path,
    @Nullable String description,
    @Nullable String permissionsBoundaryArn) {}
