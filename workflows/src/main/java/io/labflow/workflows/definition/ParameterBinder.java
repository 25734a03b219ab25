package io.labflow.workflows.definition;

import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a run's variant and parameters against a definition and fills in defaults.
 *
 * <p>Values given as strings (as a command line gives them) become integers or booleans when the
 * parameter is declared so and the text is unambiguous ({@code "42"}, {@code "true"}).
 */
public final class ParameterBinder {

  /**
   * The outcome of binding.
   *
   * @param variant the chosen variant, the default when none was asked for; null when the
   *     definition has no variants
   * @param parameters every declared parameter by name, in declaration order, defaults filled in;
   *     an optional parameter without value or default maps to null
   * @param errors every problem; empty when the run may start
   */
  public record BindResult(String variant, Map<String, Object> parameters, List<Diagnostic> errors) {

    public BindResult {
      errors = List.copyOf(errors);
    }

    /** Whether the request is valid. */
    public boolean ok() {
      return errors.isEmpty();
    }

    /** Every error, one per line. */
    public String errorText() {
      return errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
    }
  }

  private ParameterBinder() {}

  /**
   * Binds a run's variant and parameters.
   *
   * @param definition a loaded definition
   * @param variant the variant asked for, or null for the definition's default
   * @param parameters the run's parameters by name; null means none
   * @param source the name used in messages, such as {@code request}
   */
  public static BindResult bind(
      Definition definition, String variant, Map<String, ?> parameters, String source) {
    List<Diagnostic> errors = new ArrayList<>();
    String chosen = chooseVariant(definition, variant, source, errors);
    Map<String, ?> given = parameters == null ? Map.of() : parameters;
    Map<String, ParameterDef> declared = definition.parameters();
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        errors.add(
            new Diagnostic(
                source,
                0,
                0,
                "parameters." + name,
                "unknown parameter '"
                    + name
                    + "'"
                    + (declared.isEmpty()
                        ? "; definition '" + definition.name() + "' declares no parameters"
                        : Suggestions.hint(name, declared.keySet()))));
      }
    }
    Map<String, Object> bound = new LinkedHashMap<>();
    for (Map.Entry<String, ParameterDef> e : declared.entrySet()) {
      String name = e.getKey();
      ParameterDef def = e.getValue();
      String path = "parameters." + name;
      Object value = given.get(name);
      if (value == null) {
        if (def.defaultValue() != null) {
          bound.put(name, def.defaultValue());
        } else if (def.required()) {
          errors.add(
              new Diagnostic(
                  source,
                  0,
                  0,
                  path,
                  "missing required parameter '"
                      + name
                      + "' ("
                      + def.type()
                      + (def.description() == null ? "" : ": " + def.description())
                      + ")"));
        } else {
          bound.put(name, null);
        }
        continue;
      }
      Object coerced = coerce(def.type(), value);
      String problem = typeProblem(def.type(), coerced);
      if (problem != null) {
        errors.add(new Diagnostic(source, 0, 0, path, "parameter '" + name + "' " + problem));
        continue;
      }
      if (def.pattern() != null
          && coerced instanceof String s
          && !Pattern.compile(def.pattern()).matcher(s).matches()) {
        errors.add(
            new Diagnostic(
                source,
                0,
                0,
                path,
                "parameter '"
                    + name
                    + "' value "
                    + io.labflow.workflows.input.InputLimits.quote(s)
                    + " does not match pattern '"
                    + def.pattern()
                    + "'"));
        continue;
      }
      if (coerced instanceof String s) {
        var formatProblem = ParameterFormats.problem(def, s);
        if (formatProblem.isPresent()) {
          errors.add(
              new Diagnostic(
                  source, 0, 0, path, "parameter '" + name + "' value " + formatProblem.get()));
          continue;
        }
      }
      bound.put(name, coerced);
    }
    return new BindResult(chosen, Collections.unmodifiableMap(bound), errors);
  }

  private static String chooseVariant(
      Definition definition, String variant, String source, List<Diagnostic> errors) {
    Map<String, Map<String, Object>> variants = definition.variants();
    String allowed = String.join(", ", variants.keySet());
    if (variant == null || variant.isEmpty()) {
      if (variants.isEmpty()) {
        return null;
      }
      if (definition.defaultVariant() != null) {
        return definition.defaultVariant();
      }
      errors.add(
          new Diagnostic(
              source,
              0,
              0,
              "variant",
              "definition '"
                  + definition.name()
                  + "' has no default variant; choose one of: "
                  + allowed));
      return null;
    }
    if (variants.isEmpty()) {
      errors.add(
          new Diagnostic(
              source,
              0,
              0,
              "variant",
              "unknown variant '"
                  + variant
                  + "'; definition '"
                  + definition.name()
                  + "' declares no variants"));
      return null;
    }
    if (!variants.containsKey(variant)) {
      errors.add(
          new Diagnostic(
              source,
              0,
              0,
              "variant",
              "unknown variant '"
                  + variant
                  + "'"
                  + Suggestions.closest(variant, variants.keySet())
                      .map(c -> "; did you mean '" + c + "'?")
                      .orElse("")
                  + " (allowed: "
                  + allowed
                  + ")"));
      return null;
    }
    return variant;
  }

  /** Strings become integers or booleans where the text says so exactly; nothing else changes. */
  static Object coerce(String type, Object value) {
    if (value instanceof String s) {
      if (type.equals("integer") && s.trim().matches("[-+]?[0-9]{1,18}")) {
        long l = Long.parseLong(s.trim());
        return l == (int) l ? (Object) (int) l : (Object) l;
      }
      if (type.equals("boolean") && (s.trim().equals("true") || s.trim().equals("false"))) {
        return Boolean.parseBoolean(s.trim());
      }
    }
    if (type.equals("integer") && value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      long l = d.longValue();
      return l == (int) l ? (Object) (int) l : (Object) l;
    }
    return value;
  }

  /** Why a value does not fit a parameter type, or null when it fits. */
  static String typeProblem(String type, Object value) {
    boolean fits =
        switch (type) {
          case "string" -> value instanceof String;
          case "integer" -> value instanceof Integer || value instanceof Long;
          case "boolean" -> value instanceof Boolean;
          case "list" -> value instanceof List;
          default -> false;
        };
    if (fits || value == null) {
      return null;
    }
    return "must be "
        + (type.equals("integer") ? "an integer" : "a " + type)
        + ", got "
        + LiteralTypes.describe(value)
        + (value instanceof String s ? " '" + s + "'" : "");
  }
}
