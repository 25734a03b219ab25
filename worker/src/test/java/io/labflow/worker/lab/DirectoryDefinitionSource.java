package io.labflow.worker.lab;

import io.labflow.workflows.definition.DefinitionSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds {@code <name>.yaml} in a definitions directory, as the worker does (the worker module has
 * no source of its own in this branch; names are already checked to be safe file names).
 */
final class DirectoryDefinitionSource implements DefinitionSource {

  private final Path dir;

  DirectoryDefinitionSource(Path dir) {
    this.dir = dir;
  }

  @Override
  public Optional<SourceFile> find(String name) {
    Path file = dir.resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SourceFile("definitions/" + file.getFileName(), Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
