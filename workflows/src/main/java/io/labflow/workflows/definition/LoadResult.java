package io.labflow.workflows.definition;

import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/** The outcome of loading a step file: the definition, or every problem found in file order. */
public record LoadResult(Definition definitionOrNull, List<Diagnostic> errors) {

  public boolean ok() {
    return definitionOrNull != null && errors.isEmpty();
  }

  /** Every error, one per line, as {@code FILE:LINE:COLUMN: PATH: message}. */
  public String errorText() {
    return errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
  }
}
