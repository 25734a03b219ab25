package io.labflow.worker.reset;

import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.input.RequestFields;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
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
  static ResetRequest parse(RawValue payload) {
    Object raw;
    try {
      raw = RawJson.read(payload, "the reset request", InputLimits.MAX_REQUEST_BYTES);
    } catch (IllegalArgumentException wrong) {
      throw invalid(List.of("request: " + wrong.getMessage()));
    }
    return parse(raw);
  }

  /** The same, from JSON already read. */
  static ResetRequest parse(Object raw) {
    List<String> problems = new ArrayList<>();
    if (!(raw instanceof Map<?, ?> map)) {
      throw invalid(List.of("request: a reset request must be a JSON object such as " + EXAMPLE
          + ", got " + InputLimits.describe(raw)));
    }
    long size = InputLimits.jsonBytes(raw);
    if (size > InputLimits.MAX_REQUEST_BYTES) {
      throw invalid(List.of("request: the reset request is " + InputLimits.bytes(size)
          + "; at most " + InputLimits.bytes(InputLimits.MAX_REQUEST_BYTES) + " are allowed"));
    }
    RequestFields.unknown(map, FIELDS, Map.of(), problems);
    String labId = RequestFields.name(map, "labId", problems);
    String definition = RequestFields.name(map, "definition", problems);
    String variant = RequestFields.name(map, "variant", problems);
    if (labId == null && !problems.stream().anyMatch(p -> p.startsWith("request: labId:"))) {
      problems.add("request: labId: labId is required (the lab to rebuild)");
    } else if (labId != null && !LabIds.isValid(labId)) {
      problems.add("request: labId: labId " + InputLimits.quote(labId) + " must be " + LabIds.RULE);
    }
    if (definition == null && !problems.stream().anyMatch(p -> p.startsWith("request: definition:"))) {
      problems.add("request: definition: definition is required (a definition's name)");
    }
    Map<String, Object> parameters = RequestFields.parameters(map.get("parameters"), problems);
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return new ResetRequest(labId, definition, variant, parameters);
  }

  private static ApplicationFailure invalid(List<String> problems) {
    return ApplicationFailure.newNonRetryableFailure(
        String.join("\n", problems), FailureTypes.INVALID_REQUEST);
  }
}
