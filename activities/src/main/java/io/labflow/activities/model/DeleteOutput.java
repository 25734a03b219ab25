package io.labflow.activities.model;

/** Result of a delete-like action: {@code deleted} is false when there was nothing to delete. */
public record DeleteOutput(String resource, boolean deleted) {}
