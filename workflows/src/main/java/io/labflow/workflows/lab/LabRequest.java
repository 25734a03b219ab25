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
 * io.labflow.workflows.input.LabRequestParser}, so no input can fail a workflow task.
 *
 * @param definition the definition's name in the worker's definitions directory; null when
 *     {@code definitionYaml} is given (a request with both is refused)
 * @param variant the chosen variant; null takes the definition's default
 * @param labId the lab's id: lowercase letters, digits and dashes; every resource is tagged with it.
 *     It is the workflow id: null takes the workflow id, any other value is rejected
 * @param parameters run parameters by name; null means none
 * @param definitionYaml an inline definition (the command line sends the file it was given); null
 *     to resolve {@code definition} by name
 * @param onFailure how this run handles a step that fails after its retries, overriding the
 *     definition (its defaults and each step's own); null keeps the definition's choice. Its JSON
 *     is the word a person types in the Web UI ({@code "pause"}), whichever side writes it
 *     <p>A null field is left out of the JSON: the workflow refuses a field given as null.
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
