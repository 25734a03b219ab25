package io.labflow.workflows.expr;

import java.util.List;

/**
 * One {@code ${...}} reference, split at its dots.
 *
 * @param text the text between the braces, as written
 * @param path its dot-separated parts; the first is the root ({@code params}, {@code variant},
 *     {@code lab} or {@code steps})
 * @param offset the position of the {@code $} in the string that holds it
 */
public record Reference(String text, List<String> path, int offset) {

  /** The root name, such as {@code params}. */
  public String root() {
    return path.get(0);
  }

  /** The parameter a {@code ${params.X}} reference reads, else null. */
  public String parameter() {
    return path.size() == 2 && root().equals("params") ? path.get(1) : null;
  }

  /** The position just after the reference's closing brace in {@code template}, which holds it. */
  public int end(String template) {
    return template.indexOf('}', offset) + 1;
  }
}
