package io.labflow.activities.model;

/** Input of the lab-wide inventory actions. */
public record LabInput(String labId) {}
