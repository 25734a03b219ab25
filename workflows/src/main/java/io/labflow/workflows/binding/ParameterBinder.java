package io.labflow.workflows.binding;

import io.labflow.workflows.definition.ValueTypes;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one binder of a run request: checks its lab id, variant and parameters against a definition,
 * converts parameter strings to the declared types and fills in defaults. The command line ({@code
 * run}, {@code plan}, {@code fleet apply}), the resolver activity (every start: Web UI, command
 * line, Schedule, reset) and the nightly reset all bind here, so a request gives the same answer
 * wherever it came from.
 *
 * <p>Strings (a command line and a Schedule give nothing else) are converted to the declared type
 * by the rules of docs/language.md (How values are read); values that already have it are kept.
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
   * @param missing the required parameters without a value (each also has an error): a worker's
   *     site parameters may still supply them
   * @param refused the parameters whose value has the declared type but is refused by its pattern
   *     or format (each also has an error)
   */
  public record BindResult(
      String variant,
      Map<String, Object> parameters,
      List<Diagnostic> errors,
      Set<String> missing,
      Set<String> refused) {

    /**
     * The errors that make the request malformed: a bad lab id, an unknown variant or parameter, a
     * value of the wrong type; not a missing parameter, nor a well-typed value that is refused.
     */
    public List<Diagnostic> malformed() {
      return errorsBesidesMissing().stream()
          .filter(d -> !refused.contains(parameterName(d)))
          .toList();
    }

    /** The parameter a problem is about, or "" when it is about the lab id or the variant. */
    static String parameterName(Diagnostic d) {
      return d.path().startsWith("parameters.") ? d.path().substring("parameters.".length()) : "";
    }

    /**
     * The errors besides missing required parameters: what a client that does not know the
     * worker's site parameters can already tell is wrong.
     */
    public List<Diagnostic> errorsBesidesMissing() {
      return errors.stream()
          .filter(d -> !missing.contains(parameterName(d)))
          .toList();
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private static final List<String> TRUE = List.of("true", "yes");
  private static final List<String> FALSE = List.of("false", "no");

  private ParameterBinder() {}

  /**
   * Binds a whole request: its lab id (unless null), then its variant (null for the definition's
   * default) and parameters (null for none); {@code source} names them in messages, such as {@code
   * request}.
   */
  public static BindResult bind(Definition definition, String labId, String variant,
      Map<String, ?> parameters, String source) {
    List<Diagnostic> errors = new ArrayList<>();
    if (labId != null) {
      labIdProblem(labId, source).ifPresent(errors::add);
    }
    Set<String> missing = new LinkedHashSet<>();
    Set<String> refused = new LinkedHashSet<>();
    String chosen = chooseVariant(definition, variant, source, errors);
    Map<String, ?> given = parameters == null ? Map.of() : parameters;
    Map<String, ParameterDef> declared = definition.parameters();
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        errors.add(at(source, name, "unknown parameter '" + name + "'"
            + (declared.isEmpty()
                ? "; definition '" + definition.name() + "' declares no parameters"
                : Suggestions.hint(name, declared.keySet()))));
      }
    }
    Map<String, Object> bound = new LinkedHashMap<>();
    for (Map.Entry<String, ParameterDef> e : declared.entrySet()) {
      String name = e.getKey();
      ParameterDef def = e.getValue();
      Object value = given.get(name);
      if (value == null && def.defaultValue() == null && def.required()) {
        missing.add(name);
        errors.add(at(source, name, "missing required parameter '" + name + "' (" + def.type()
            + (def.description() == null ? "" : ": " + def.description()) + ")"));
        continue;
      }
      if (value == null) {
        bound.put(name, def.defaultValue());
        continue;
      }
      Object typed;
      try {
        typed = coerce(def.type(), value);
      } catch (IllegalArgumentException wrongType) {
        errors.add(at(source, name, "parameter '" + name + "' " + wrongType.getMessage()));
        continue;
      }
      Optional<String> problem = ValueTypes.refusal(def, typed);
      if (problem.isPresent()) {
        errors.add(at(source, name, "parameter '" + name + "' value " + problem.get()));
        refused.add(name);
        continue;
      }
      bound.put(name, typed);
    }
    return new BindResult(chosen, Collections.unmodifiableMap(bound), errors, missing, refused);
  }

  /** Why a lab id cannot be used, at path {@code labId}; empty when it can. */
  public static Optional<Diagnostic> labIdProblem(String labId, String source) {
    return LabIds.problem(labId).map(p -> new Diagnostic(source, 0, 0, "labId", p));
  }

  /** A run's value as the type; an IllegalArgumentException says why it is not one. */
  private static Object coerce(String type, Object value) {
    if (value instanceof String s && !type.equals("string")) {
      String word = s.trim().toLowerCase(Locale.ROOT);
      if (type.equals("integer") && word.matches("[-+]?[0-9]{1,18}")) {
        return narrow(Long.parseLong(word));
      } else if (type.equals("boolean")) {
        if (TRUE.contains(word) || FALSE.contains(word)) {
          return TRUE.contains(word);
        }
        throw new IllegalArgumentException(
            ValueTypes.problemShowingValue("boolean", value) + " (true, false, yes or no)");
      } else if (type.equals("list")) {
        return items(s);
      }
    }
    double d = value instanceof Number n ? n.doubleValue() : Double.NaN;
    if (type.equals("integer") && (value instanceof Integer || value instanceof Long
        || (value instanceof Double || value instanceof Float)
            && d == Math.rint(d) && Math.abs(d) < 1e18)) {
      return narrow(((Number) value).longValue());
    }
    String problem = ValueTypes.problemShowingValue(type, value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return value;
  }

  private static Object narrow(long l) {
    return l == (int) l ? (Object) (int) l : (Object) l;
  }

  /** The items of a comma-separated list, each trimmed; an empty string is the empty list. */
  private static List<String> items(String s) {
    List<String> items = new ArrayList<>();
    for (String item : s.isBlank() ? new String[0] : s.split(",", -1)) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("must be a list of comma-separated items, got "
            + InputLimits.quote(s) + " with an empty item " + (items.size() + 1));
      }
      items.add(item.trim());
    }
    return List.copyOf(items);
  }

  private static Diagnostic at(String source, String name, String message) {
    return new Diagnostic(source, 0, 0, "parameters." + name, message);
  }

  private static String chooseVariant(
      Definition definition, String variant, String source, List<Diagnostic> errors) {
    Map<String, Map<String, Object>> variants = definition.variants();
    String allowed = String.join(", ", variants.keySet());
    String problem;
    if (variant == null || variant.isEmpty()) {
      if (variants.isEmpty()) {
        return null;
      }
      if (definition.defaultVariant() != null) {
        return definition.defaultVariant();
      }
      problem = "definition '" + definition.name() + "' has no default variant; choose one of: "
          + allowed;
    } else if (variants.isEmpty()) {
      problem = "unknown variant '" + variant + "'; definition '" + definition.name()
          + "' declares no variants";
    } else if (!variants.containsKey(variant)) {
      problem = "unknown variant '" + variant + "'"
          + Suggestions.didYouMean(variant, variants.keySet())
          + " (allowed: " + allowed + ")";
    } else {
      return variant;
    }
    errors.add(new Diagnostic(source, 0, 0, "variant", problem));
    return null;
  }
}
