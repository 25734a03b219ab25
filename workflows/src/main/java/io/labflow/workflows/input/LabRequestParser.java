package io.labflow.workflows.input;

import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.model.OnFailure;
import io.temporal.common.converter.RawValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns whatever JSON reached {@code LabWorkflow} into a {@link LabRequest}, or into sentences
 * naming each wrong input field and what is allowed. Pure and deterministic: it runs in workflow
 * code, so a bad input fails the run (never its workflow task) before any activity runs.
 */
public final class LabRequestParser {

  /** The fields of a lab request, as typed in the Web UI. */
  public static final List<String> FIELDS =
      List.of("definition", "variant", "labId", "parameters", "definitionYaml", "onFailure");

  /** Names people type for a field that are too far from it for the edit-distance hint. */
  private static final Map<String, String> ALIASES =
      Map.of(
          "params", "parameters",
          "param", "parameters",
          "args", "parameters",
          "id", "labId",
          "lab", "labId",
          "name", "definition",
          "def", "definition",
          "yaml", "definitionYaml",
          "on_failure", "onFailure");

  /** What leaving each field out means, for the sentence refusing a null. */
  private static final Map<String, String> ABSENT =
      Map.of(
          "definition", "to send definitionYaml instead",
          "variant", "to take the definition's default variant",
          "labId", "to take the workflow id",
          "parameters", "for none",
          "definitionYaml", "to name a definition instead",
          "onFailure", "to keep the definition's choice");

  /** What a request looks like, for messages. */
  public static final String EXAMPLE =
      "{\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\",\"parameters\":{}}";

  /**
   * The outcome of parsing.
   *
   * @param request the request, when no field is malformed; its labId is the workflow id, or the
   *     claimed labId when that is the only problem (for runs started before the identity rule)
   * @param problems one sentence per wrong field, each starting with {@code request: FIELD:}
   */
  public record Result(LabRequest request, List<String> problems) {

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private LabRequestParser() {}

  private static Result refused(String problem) {
    return new Result(null, List.of("request: " + problem));
  }

  /**
   * Parses a raw workflow input: read with {@link RawJson}'s limits (its size, then its depth),
   * then field by field.
   *
   * @param workflowId the run's workflow id: the lab's identity
   * @param strict whether a field given as {@code null} and {@code definition} with {@code
   *     definitionYaml} are refused (rules added later: false reads a request as runs started
   *     before them did, where a null was absent and definitionYaml won)
   */
  public static Result parse(RawValue raw, String workflowId, boolean strict) {
    Object json;
    try {
      json = RawJson.read(raw, "the lab request", InputLimits.MAX_REQUEST_BYTES);
    } catch (IllegalArgumentException wrong) {
      return refused(wrong.getMessage());
    }
    if (json == null) {
      return refused("the lab request is empty; send a JSON object such as " + EXAMPLE);
    }
    if (!(json instanceof Map<?, ?> map)) {
      return refused("the lab request must be a JSON object such as " + EXAMPLE + ", got "
          + InputLimits.describe(json));
    }
    List<String> problems = new ArrayList<>();
    RequestFields.unknown(map, FIELDS, ALIASES, problems);
    if (strict) { // A null is not "absent"; one of definition and definitionYaml, not both.
      for (String field : FIELDS) {
        if (map.containsKey(field) && map.get(field) == null) {
          RequestFields.problem(problems, field,
              "null is not a value; leave " + field + " out " + ABSENT.get(field));
        }
      }
      if (map.get("definition") != null && map.get("definitionYaml") != null) {
        RequestFields.problem(problems, "definitionYaml", "give either definition (a definition's"
            + " name) or definitionYaml (a whole definition), not both");
      }
    }
    String definition = RequestFields.name(map, "definition", problems);
    String variant = RequestFields.name(map, "variant", problems);
    String labId = RequestFields.name(map, "labId", problems);
    String definitionYaml = RequestFields.text(map, "definitionYaml", problems);
    Object written = map.get("onFailure");
    String text = written instanceof String s ? s : null;
    OnFailure onFailure = text == null ? null : OnFailure.of(text).orElse(null);
    if (written != null && onFailure == null) {
      RequestFields.problem(problems, "onFailure", OnFailure.refusal(
          text != null ? InputLimits.quote(text) : InputLimits.describe(written), text));
    }
    Map<String, Object> parameters =
        RequestFields.parameters(map.get("parameters"), strict, problems);
    String claimed = null;
    if (labId != null && !labId.equals(workflowId)) {
      claimed = labId;
      RequestFields.problem(problems, "labId", "labId " + InputLimits.quote(labId)
          + " differs from the workflow id " + InputLimits.quote(workflowId) + ": a lab's id is its"
          + " workflow id; leave labId out, or start the workflow with workflow id "
          + InputLimits.quote(labId));
    } else if (!LabIds.hasShape(workflowId)) {
      RequestFields.problem(problems, "labId", "the workflow id " + InputLimits.quote(workflowId)
          + " is the lab id, which must be " + LabIds.RULE);
    }
    boolean onlyIdentity = claimed != null && problems.size() == 1;
    if (!problems.isEmpty() && !onlyIdentity) {
      return new Result(null, problems);
    }
    return new Result(new LabRequest(definition, variant, claimed == null ? workflowId : claimed,
        parameters, definitionYaml, onFailure), problems);
  }
}
