package io.labflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** A declared run parameter: its keys in the step file (docs/language.md, Parameters). */
public record ParameterDef(
    String type,
    boolean required,
    Object defaultValue,
    String pattern,
    String description,
    String format,
    List<String> arnTypes,
    List<String> accounts) {

  @JsonIgnore
  public boolean isArn() {
    return "arn".equals(format);
  }
}
