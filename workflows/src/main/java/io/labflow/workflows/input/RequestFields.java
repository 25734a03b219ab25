package io.labflow.workflows.input;

import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.Suggestions;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the fields of a raw JSON request (a lab's, a reset's, a fleet night's), adding one sentence
 * per wrong field to a list of problems, each starting with {@code request: FIELD:}. Pure and
 * deterministic, for workflow code.
 */
public final class RequestFields {

  private RequestFields() {}

  public static void problem(List<String> problems, String field, String message) {
    problems.add("request: " + field + ": " + message);
  }

  /**
   * Adds a problem for every key of {@code map} that is not one of {@code fields}, with a hint from
   * {@code aliases} (names people type for a field, too far from it for the edit-distance hint) or
   * the closest field.
   */
  public static void unknown(
      Map<?, ?> map, List<String> fields, Map<String, String> aliases, List<String> problems) {
    for (Object key : map.keySet()) {
      String k = String.valueOf(key);
      if (!fields.contains(k)) {
        String alias = aliases.get(k.toLowerCase(Locale.ROOT));
        problem(problems, InputLimits.clip(k), "unknown field " + InputLimits.quote(k)
            + (alias != null ? "; did you mean '" + alias + "'?" : Suggestions.hint(k, fields)));
      }
    }
  }

  /**
   * The JSON object in a workflow's raw input (a reset's, a fleet night's), or a non-retryable
   * {@code InvalidRequest} failure saying why not.
   */
  public static Map<?, ?> object(RawValue payload, String what, int maxBytes, String example) {
    Object raw;
    try {
      raw = RawJson.read(payload, what, maxBytes);
    } catch (IllegalArgumentException wrong) {
      throw invalid(List.of("request: " + wrong.getMessage()));
    }
    if (!(raw instanceof Map<?, ?> map)) {
      throw invalid(List.of("request: " + what.replaceFirst("^the ", "a ")
          + " must be a JSON object such as " + example + ", got " + InputLimits.describe(raw)));
    }
    return map;
  }

  /** The failure of a refused request: one sentence per problem. */
  public static ApplicationFailure invalid(List<String> problems) {
    return ApplicationFailure.newNonRetryableFailure(
        String.join("\n", problems), FailureTypes.INVALID_REQUEST);
  }

  /**
   * The lab of a reset request (or of one of a fleet request's {@code labs}): {@code labId},
   * {@code variant} and {@code parameters}.
   */
  public static FleetLab lab(Map<?, ?> map, List<String> problems) {
    String labId = required(map, "labId", " (the lab to rebuild)", problems);
    String variant = name(map, "variant", problems);
    if (labId != null && !LabIds.hasShape(labId)) {
      problem(problems, "labId", "labId " + InputLimits.quote(labId) + " must be " + LabIds.RULE);
    }
    return new FleetLab(labId, variant, parameters(map.get("parameters"), false, problems));
  }

  /** The name at {@code field}; a problem ending in {@code why} when it is missing. */
  public static String required(Map<?, ?> map, String field, String why, List<String> problems) {
    String s = name(map, field, problems);
    if (map.get(field) == null) {
      problem(problems, field, field + " is required" + why);
    }
    return s;
  }

  /** A string field that names something: short, or absent. */
  public static String name(Map<?, ?> map, String field, List<String> problems) {
    String s = text(map, field, problems);
    if (s != null && s.length() > InputLimits.MAX_NAME_CHARS) {
      problem(problems, field, field + " is " + s.length() + " characters long; at most "
          + InputLimits.MAX_NAME_CHARS + " are allowed");
      return null;
    }
    return s;
  }

  public static String text(Map<?, ?> map, String field, List<String> problems) {
    Object v = map.get(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    problem(problems, field, field + " must be a string"
        + (field.equals("definition") ? " (the definition's name)" : "")
        + ", got " + InputLimits.describe(v));
    return null;
  }

  /**
   * The {@code parameters} object: name to value, within the limits of {@link InputLimits}. Values
   * are kept as given; {@code ParameterBinder} types them. When {@code strict}, a parameter given
   * as {@code null} is refused rather than passed on for the binder to take as absent.
   */
  public static Map<String, Object> parameters(Object v, boolean strict, List<String> problems) {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> given)) {
      problem(problems, "parameters", "parameters must be a JSON object of name to value, such as"
          + " {\"bucketPrefix\":\"acme\"}, got " + InputLimits.describe(v));
      return Map.of();
    }
    if (given.size() > InputLimits.MAX_PARAMETERS) {
      problem(problems, "parameters", given.size() + " parameters given; at most "
          + InputLimits.MAX_PARAMETERS + " are allowed");
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : given.entrySet()) {
      String name = String.valueOf(e.getKey());
      String at = "parameters." + InputLimits.clip(name);
      long size = InputLimits.jsonBytes(e.getValue());
      if (strict && e.getValue() == null) {
        problem(problems, at, "null is not a value; leave the parameter out to take its default");
      } else if (size > InputLimits.MAX_PARAMETER_BYTES) {
        problem(problems, at, "the value is " + InputLimits.bytes(size) + "; a parameter may hold"
            + " at most " + InputLimits.bytes(InputLimits.MAX_PARAMETER_BYTES));
      } else {
        out.put(name, e.getValue());
      }
    }
    return out;
  }
}
