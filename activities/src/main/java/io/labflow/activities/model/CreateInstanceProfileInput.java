package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** Input of CreateInstanceProfile. */
public record CreateInstanceProfileInput(
    String labId,
    String instanceProfileName,
    String roleName,
    @Nullable String path) {}
