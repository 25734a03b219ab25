package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/** One cell of the access matrix. */
public record AccessCheck(
    String action,
    String resource,
    boolean expectedAllowed,
    boolean allowed,
    @Nullable String detail) {}
