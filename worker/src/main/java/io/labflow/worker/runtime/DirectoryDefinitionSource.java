package io.labflow.worker.runtime;

import io.labflow.workflows.definition.DefinitionSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Definitions stored as {@code <dir>/<name>.yaml}. Names are restricted to {@code [a-z0-9-]+} so a
 * workflow input can never read a file outside the directory.
 */
public final class DirectoryDefinitionSource implements DefinitionSource {

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
  private final Path dir;

  public DirectoryDefinitionSource(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public Optional<DefinitionSource.SourceFile> find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Path file = dir.resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DefinitionSource.SourceFile(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read definition " + file, e);
    }
  }

  public Path dir() {
    return dir;
  }
}
