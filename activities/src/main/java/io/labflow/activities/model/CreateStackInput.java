package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;
import java.util.Map;

/** Input of CreateStack. The template path is relative to the worker's definitions directory. */
public record CreateStackInput(
    String labId,
    String stackName,
    String templateFile,
    @Nullable Map<String, String> parameters,
    @Nullable List<String> capabilities,
    @Nullable Integer timeoutMinutes) {}
