package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A declared run parameter.
 *
 * @param type one of {@code string}, {@code integer}, {@code boolean}, {@code list}
 * @param required whether a run must supply it (a parameter with a default is never missing)
 * @param defaultValue the value used when a run omits it; may be null
 * @param pattern a regular expression a string value must match in full; may be null
 * @param description what the parameter means, for people
 * @param format {@code arn} for the ARN of one IAM principal; null for none
 * @param arnTypes the principal types a {@code format: arn} value may name (role, user, root);
 *     null means role or user
 * @param accounts accounts a {@code format: arn} value may be in besides the worker's own; null
 *     means only the worker's own
 */
public record ParameterDef(
    String type,
    boolean required,
    Object defaultValue,
    String pattern,
    String description,
    String format,
    List<String> arnTypes,
    List<String> accounts) {

  /** A parameter without a format. */
  public ParameterDef(
      String type, boolean required, Object defaultValue, String pattern, String description) {
    this(type, required, defaultValue, pattern, description, null, null, null);
  }

  /** Whether values must be principal ARNs. */
  @JsonIgnore
  public boolean isArn() {
    return "arn".equals(format);
  }
}
