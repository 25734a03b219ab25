package io.labflow.workflows.lab;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.labflow.workflows.model.OnFailure;
import java.util.Map;

/**
 * The one input of {@link LabWorkflow}: a JSON object a person can type into the Temporal Web UI,
 * for example {@code {"definition":"iam-service-role-lab","variant":"read-only","parameters":{}}}.
 * The workflow reads its input as raw JSON and builds this record with {@link
 * io.labflow.workflows.input.LabRequestParser}, so no input can fail a workflow task. A null field
 * is left out of the JSON (the workflow refuses a field given as null) and takes: for {@code
 * definition}, the inline {@code definitionYaml} (never both); for {@code variant}, the
 * definition's default; for {@code labId}, the workflow id (any other value is rejected); for
 * {@code parameters}, none; for {@code onFailure}, the definition's choice, which it otherwise
 * overrides, defaults and steps alike (its JSON is the word a person types: {@code "pause"}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabRequest(
    String definition,
    String variant,
    String labId,
    Map<String, Object> parameters,
    String definitionYaml,
    @JsonSerialize(using = ToStringSerializer.class)
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES)
        OnFailure onFailure) {

  /** A request that keeps the definition's failure handling. */
  public LabRequest(
      String definition,
      String variant,
      String labId,
      Map<String, Object> parameters,
      String definitionYaml) {
    this(definition, variant, labId, parameters, definitionYaml, null);
  }
}
