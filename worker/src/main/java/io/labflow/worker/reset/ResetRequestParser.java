package io.labflow.worker.reset;

import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.definition.Suggestions;
import io.labflow.workflows.input.InputLimits;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a reset's raw JSON input into a {@link ResetRequest} in workflow code: any other JSON fails
 * the reset at once with a sentence per wrong field, never its workflow task.
 */
final class ResetRequestParser {

  static final List<String> FIELDS = List.of("labId", "definition", "variant", "parameters");

  private static final String EXAMPLE =
      "{\"labId\":\"lab-042\",\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\"}";

  private ResetRequestParser() {}

  /**
   * The request.
   *
   * @throws ApplicationFailure {@code InvalidRequest}, non-retryable, naming every wrong field
   */
  static ResetRequest parse(Object raw) {
    List<String> problems = new ArrayList<>();
    if (!(raw instanceof Map<?, ?> map)) {
      throw invalid(
          List.of(
              "request: a reset request must be a JSON object such as "
                  + EXAMPLE
                  + ", got "
                  + InputLimits.describe(raw)));
    }
    long size = InputLimits.jsonBytes(raw);
    if (size > InputLimits.MAX_REQUEST_BYTES) {
      throw invalid(
          List.of(
              "request: the reset request is "
                  + InputLimits.bytes(size)
                  + "; at most "
                  + InputLimits.bytes(InputLimits.MAX_REQUEST_BYTES)
                  + " are allowed"));
    }
    for (Object key : map.keySet()) {
      String k = String.valueOf(key);
      if (!FIELDS.contains(k)) {
        problems.add(
            "request: "
                + (k.length() > InputLimits.QUOTE_CHARS ? k.substring(0, InputLimits.QUOTE_CHARS) : k)
                + ": unknown field "
                + InputLimits.quote(k)
                + Suggestions.hint(k, FIELDS));
      }
    }
    String labId = text(map, "labId", problems);
    String definition = text(map, "definition", problems);
    String variant = text(map, "variant", problems);
    if (labId == null && !problems.stream().anyMatch(p -> p.startsWith("request: labId:"))) {
      problems.add("request: labId: labId is required (the lab to rebuild)");
    } else if (labId != null && !DefinitionActivitiesImpl.LAB_ID.matcher(labId).matches()) {
      problems.add(
          "request: labId: labId "
              + InputLimits.quote(labId)
              + " must be lowercase letters, digits and dashes, starting with a letter, at most 41"
              + " characters");
    }
    if (definition == null && !problems.stream().anyMatch(p -> p.startsWith("request: definition:"))) {
      problems.add("request: definition: definition is required (a definition's name)");
    }
    Object params = map.get("parameters");
    Map<String, Object> parameters = new LinkedHashMap<>();
    if (params instanceof Map<?, ?> given) {
      for (Map.Entry<?, ?> e : given.entrySet()) {
        if (InputLimits.jsonBytes(e.getValue()) > InputLimits.MAX_PARAMETER_BYTES) {
          problems.add(
              "request: parameters."
                  + e.getKey()
                  + ": a parameter may hold at most "
                  + InputLimits.bytes(InputLimits.MAX_PARAMETER_BYTES));
        }
        parameters.put(String.valueOf(e.getKey()), e.getValue());
      }
    } else if (params != null) {
      problems.add(
          "request: parameters: parameters must be a JSON object of name to value, got "
              + InputLimits.describe(params));
    }
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return new ResetRequest(labId, definition, variant, parameters);
  }

  private static String text(Map<?, ?> map, String field, List<String> problems) {
    Object v = map.get(field);
    if (v == null || v instanceof String s && s.length() <= InputLimits.MAX_NAME_CHARS) {
      return (String) v;
    }
    problems.add(
        "request: "
            + field
            + ": "
            + field
            + (v instanceof String s
                ? " is " + s.length() + " characters long; at most " + InputLimits.MAX_NAME_CHARS
                : " must be a string, got " + InputLimits.describe(v)));
    return null;
  }

  private static ApplicationFailure invalid(List<String> problems) {
    return ApplicationFailure.newNonRetryableFailure(
        String.join("\n", problems), DefinitionActivitiesImpl.INVALID_REQUEST);
  }
}
