package io.labflow.workflows.catalog;

/**
 * One input or output field of an action.
 *
 * @param name the field name as written in a step's {@code with}
 * @param type a JSON-ish type name: string, integer, number, boolean, list, map or object
 * @param required whether a step must give it
 * @param limit the limits of the name this field gives AWS; null when none
 */
public record FieldSpec(String name, String type, boolean required, FieldLimit limit) {}
