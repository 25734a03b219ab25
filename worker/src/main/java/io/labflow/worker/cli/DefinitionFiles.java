package io.labflow.worker.cli;

import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Finds, reads and validates the step file a command names. */
final class DefinitionFiles {

  private DefinitionFiles() {}

  /** A step file read from disk. */
  record Source(Path path, String text) {
    String displayName() {
      return path.toString();
    }
  }

  /** A file path as given, or a definition name looked up in the definitions directory. */
  static Source locate(String fileOrName, Path definitionsDir) {
    Path direct = Path.of(fileOrName);
    Path path;
    if (Files.isRegularFile(direct)) {
      path = direct;
    } else if (DirectoryDefinitionSource.isName(fileOrName)) {
      path = DirectoryDefinitionSource.pathOf(definitionsDir, fileOrName);
      if (!Files.isRegularFile(path)) {
        throw new UsageException(
            "no file "
                + fileOrName
                + " and no definition named "
                + fileOrName
                + " in "
                + definitionsDir
                + " (looked for "
                + path
                + ")");
      }
    } else {
      throw new UsageException("no such file: " + fileOrName);
    }
    try {
      return new Source(path, Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UsageException("cannot read " + path + ": " + e.getMessage());
    }
  }

  /**
   * Validates a located file; prints its diagnostics and throws when it is invalid, so that bad
   * input never reaches Temporal.
   */
  static Definition validOrThrow(Source source, java.io.PrintWriter err) {
    Composition.Validation v = Composition.validate(source.displayName(), source.text());
    if (!v.valid()) {
      v.diagnostics().forEach(err::println);
      throw new InvalidDefinitionException(source.displayName(), v.diagnostics().size());
    }
    return v.definition().orElseThrow();
  }

  /**
   * Binds a command's lab id, variant and {@code -p key=value} strings with the binder the worker
   * uses, so the command line accepts exactly what a run would. A malformed request (bad lab id,
   * unknown variant or parameter, a value of the wrong type) is a usage error; a missing required
   * parameter is not, since the worker's site parameters may supply it.
   *
   * @param labId the lab id, or null when the command has none
   * @return the binding; its {@link ParameterBinder.BindResult#errorsBesidesMissing()} are values
   *     the worker would refuse (patterns, formats such as {@code format: arn})
   */
  static ParameterBinder.BindResult bind(
      Definition definition, String labId, String variant, Map<String, ?> params) {
    ParameterBinder.BindResult bound =
        labId == null
            ? ParameterBinder.bind(definition, variant, params, "parameters")
            : ParameterBinder.bind(definition, labId, variant, params, "parameters");
    List<String> malformed = sentences(bound.malformed());
    if (!malformed.isEmpty()) {
      throw new UsageException(String.join("\n", malformed));
    }
    return bound;
  }

  /** The problems a run with this binding would stop at before anything is created. */
  static List<String> refused(ParameterBinder.BindResult bound) {
    return sentences(bound.errorsBesidesMissing());
  }

  private static List<String> sentences(List<Diagnostic> errors) {
    return errors.stream().map(d -> d.path() + ": " + d.message()).toList();
  }

  /** Thrown after an invalid file's diagnostics were printed. */
  static final class InvalidDefinitionException extends RuntimeException {
    InvalidDefinitionException(String file, int count) {
      super(file + " is invalid (" + count + (count == 1 ? " problem)" : " problems)"));
    }
  }
}
