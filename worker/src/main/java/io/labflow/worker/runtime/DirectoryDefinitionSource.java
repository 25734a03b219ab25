package io.labflow.worker.runtime;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.definition.DefinitionSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Definitions stored as {@code <dir>/<name>.yaml}: the one lookup of a definition by name, for the
 * worker and the command line. Names follow the definition-name rule ({@link
 * DefinitionKeys#ID_PATTERN}: lowercase letters, digits and dashes, starting with a letter), so a
 * workflow input can never read a file outside the directory.
 */
public record DirectoryDefinitionSource(Path dir) implements DefinitionSource {

  public DirectoryDefinitionSource {
    dir = dir.toAbsolutePath().normalize();
  }

  /** Whether {@code name} may name a definition (and so a file in the directory). */
  public static boolean isName(String name) {
    return name != null && DefinitionKeys.ID.matcher(name).matches();
  }

  /**
   * Where the definition {@code name} is stored under {@code dir}.
   *
   * @throws IllegalArgumentException when {@code name} is not a definition name
   */
  public static Path pathOf(Path dir, String name) {
    if (!isName(name)) {
      throw new IllegalArgumentException("not a definition name: '" + name + "'");
    }
    return dir.resolve(name + ".yaml");
  }

  @Override
  public Optional<DefinitionSource.SourceFile> find(String name) {
    Path file = isName(name) ? pathOf(dir, name) : null;
    if (file == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DefinitionSource.SourceFile(file.toString(), Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read definition " + file, e);
    }
  }
}
