package io.labflow.workflows.yaml;

/**
 * One problem found in a step file or a run request.
 *
 * @param file the file name, such as {@code lab.yaml} or {@code inline:my-lab}, or {@code request}
 *     for problems in a run's variant and parameters
 * @param line 1-based line, or 0 when the problem has no place in a file
 * @param column 1-based column, or 0 when the problem has no place in a file
 * @param path where in the document, such as {@code steps[3].with.roleName}; empty for the whole
 *     document
 * @param message what is wrong, and where possible how to fix it
 */
public record Diagnostic(String file, int line, int column, String path, String message) {

  /** {@code FILE:LINE:COLUMN: PATH: message}; parts that are unknown are left out. */
  @Override
  public String toString() {
    return file + (line > 0 ? ":" + line + ":" + column : "") + ": "
        + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
