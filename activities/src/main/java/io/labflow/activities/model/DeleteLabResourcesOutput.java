package io.labflow.activities.model;


/** Result of DeleteLabResources: what was deleted and what still carries the tag afterwards (resources of deleted stacks go with them). */
public record DeleteLabResourcesOutput(
    LabResources deleted,
    LabResources remaining) {}
