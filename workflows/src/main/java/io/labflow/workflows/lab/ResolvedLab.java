package io.labflow.workflows.lab;

import io.labflow.workflows.model.Definition;
import java.util.Map;

/**
 * A request checked and resolved by {@link DefinitionActivities}, recorded in history so that
 * editing the file never changes a running lab: the validated definition, where it came from (a
 * file name or {@code inline}), the variant (null when it has none) and every declared parameter
 * with its value, defaults filled in.
 */
public record ResolvedLab(
    Definition definition, String source, String variant, Map<String, Object> parameters) {}
