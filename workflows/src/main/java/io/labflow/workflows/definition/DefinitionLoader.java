package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.YamlDocument;
import java.util.List;

/**
 * Loads and validates step files.
 *
 * <p>The loader never throws for bad input: {@link #load} returns every problem it finds at once,
 * each with its file, line, column and path, or a {@link Definition} that the interpreter may trust.
 * It is thread-safe and holds no state besides the action catalog.
 */
public record DefinitionLoader(ActionCatalog catalog) {

  /** The largest step file accepted, in bytes (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  /** Loads a step file's text, named in messages by {@code fileName} ({@code inline:my-lab}). */
  public LoadResult load(String fileName, String text) {
    if (text.length() > MAX_BYTES) {
      return failure(fileName, 1, 1, "the file is " + text.length()
          + " characters; step files may be at most " + MAX_BYTES + " bytes (1 MiB)");
    }
    YamlDocument.Parsed parsed = YamlDocument.parse(text, MAX_BYTES + 1);
    YamlDocument.Problem p = parsed.problem();
    if (p != null) {
      return failure(fileName, p.line(), p.column(), p.message());
    }
    if (parsed.root() == null) {
      return failure(fileName, 1, 1,
          "the file is empty; a definition needs at least 'name' and 'steps'");
    }
    return new DefinitionReader(fileName, catalog).read(parsed.root());
  }

  private static LoadResult failure(String fileName, int line, int column, String message) {
    return new LoadResult(null, List.of(new Diagnostic(fileName, line, column, "", message)));
  }
}
