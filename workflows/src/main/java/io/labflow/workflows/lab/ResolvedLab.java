package io.labflow.workflows.lab;

import io.labflow.workflows.model.Definition;
import java.util.Map;

/**
 * A request checked and resolved by {@link DefinitionActivities}: recorded in history, so editing
 * the file afterwards never changes a running lab.
 *
 * @param definition the validated definition
 * @param source where it came from (a file name, or {@code inline})
 * @param variant the chosen variant's name (null when the definition has no variants)
 * @param parameters every declared parameter with its value, defaults filled in
 */
public record ResolvedLab(
    Definition definition, String source, String variant, Map<String, Object> parameters) {}
