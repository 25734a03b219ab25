package io.labflow.activities.model;


/** Input of DeleteInstanceProfile. */
public record DeleteInstanceProfileInput(
    String labId,
    String instanceProfileName) {}
