package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** Input of CreateInstanceProfile. */
public record CreateInstanceProfileInput(
    String labId,
    @Limit(what = "instance profile name", max = 128, pattern = "[A-Za-z0-9+=,.@_-]+", rule = "letters, digits and +=,.@_-")
        String instanceProfileName,
    String roleName,
    @Nullable String path) {}
