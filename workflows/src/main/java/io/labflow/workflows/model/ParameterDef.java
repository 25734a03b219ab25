package io.labflow.workflows.model;

/**
 * A declared run parameter.
 *
 * @param type one of {@code string}, {@code integer}, {@code boolean}, {@code list}
 * @param required whether a run must supply it (a parameter with a default is never missing)
 * @param defaultValue the value used when a run omits it; may be null
 * @param pattern a regular expression a string value must match in full; may be null
 * @param description what the parameter means, for people
 */
public record ParameterDef(
    String type, boolean required, Object defaultValue, String pattern, String description) {}
