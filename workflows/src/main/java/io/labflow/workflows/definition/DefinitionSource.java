package io.labflow.workflows.definition;

import java.util.Optional;

/**
 * Finds step files by definition name. The worker provides one backed by its definitions
 * directory; tests provide maps.
 */
@FunctionalInterface
public interface DefinitionSource {

  /**
   * The file that defines {@code name}, if there is one. Names reaching this method have already
   * been checked to be lowercase letters, digits and dashes, so they are safe as file names.
   */
  Optional<SourceFile> find(String name);

  /** A step file's text, named in messages by {@code fileName} ({@code definitions/lab.yaml}). */
  record SourceFile(String fileName, String text) {}
}
