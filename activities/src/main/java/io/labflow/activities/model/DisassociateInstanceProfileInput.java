package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** Input of DisassociateInstanceProfile. With a profile name only that profile's association is removed. */
public record DisassociateInstanceProfileInput(
    String labId,
    String instanceId,
    @Nullable String instanceProfileName) {}
