package io.labflow.activities.model;


/** Input of DeleteStack. */
public record DeleteStackInput(
    String labId,
    String stackName) {}
