package io.labflow.workflows.interpreter;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityInterface;
import jakarta.annotation.Nullable;
import java.util.List;

/** The step library of the interpreter tests: three actions over made-up resources. */
@ActivityInterface
public interface ResourceActivities {

  /** Activity type {@code Create}: makes a resource named {@code name}. */
  Resource create(ResourceInput input);

  /** Activity type {@code Delete}: removes the resource named {@code name}. */
  Resource delete(ResourceInput input);

  /** Activity type {@code Use}: records what it was given. */
  Resource use(ResourceInput input);

  /** Activity type {@code Tags}: returns a JSON array, not the object a step's outputs must be. */
  List<String> tags(ResourceInput input);

  /**
   * The input of every test action.
   *
   * @param labId the lab, as every real action takes it
   * @param name the resource name
   * @param note free text, to check string interpolation
   * @param value any value, to check that a whole output keeps its type
   * @param id the resource id, when a step passes one
   */
  record ResourceInput(
      String labId,
      String name,
      @Nullable String note,
      @Nullable Object value,
      @Nullable String id) {}

  /**
   * What the test actions return.
   *
   * @param id {@code id-<name>}
   * @param name the resource name
   * @param tags a list, to check that lists flow through expressions
   * @param attempt the attempt that produced this result
   * @param stamped the attempt above 1, as the worker's interceptor adds it to a step's result
   */
  record Resource(
      String id,
      String name,
      List<String> tags,
      int attempt,
      @JsonProperty(LabWorkflow.ATTEMPT_KEY) @JsonInclude(JsonInclude.Include.NON_NULL)
          Integer stamped) {}
}
