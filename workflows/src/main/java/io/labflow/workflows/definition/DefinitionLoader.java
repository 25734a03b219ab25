package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.YamlDocument;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

  /**
   * Loads a step file from its bytes, which must be UTF-8 and at most {@link #MAX_BYTES} long.
   *
   * @param fileName the name used in messages, such as {@code lab.yaml}
   */
  public LoadResult load(String fileName, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      return tooLarge(fileName, bytes.length + " bytes");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    out.flip();
    if (result.isError()) {
      String before = out.toString();
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      int column = before.length() - before.lastIndexOf('\n');
      return failure(fileName, line, column,
          "the file is not valid UTF-8 (bad byte at offset " + in.position() + ")");
    }
    String text = out.toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return load(fileName, text);
  }

  /**
   * Loads a step file from its text.
   *
   * @param fileName the name used in messages, such as {@code lab.yaml} or {@code inline:my-lab}
   * @return the definition, or every problem found
   */
  public LoadResult load(String fileName, String text) {
    if (text.length() > MAX_BYTES) {
      return tooLarge(fileName, text.length() + " characters");
    }
    if (text.isBlank()) {
      return failure(fileName, "the file is empty; a definition needs at least 'name' and 'steps'");
    }
    YamlDocument.Parsed parsed = YamlDocument.parse(text, MAX_BYTES + 1);
    if (parsed.problem() != null) {
      YamlDocument.Problem p = parsed.problem();
      return failure(fileName, p.line(), p.column(), p.message());
    }
    if (parsed.root() == null) {
      return failure(fileName, "the file is empty; a definition needs at least 'name' and 'steps'");
    }
    return new DefinitionReader(fileName, catalog).read(parsed.root());
  }

  private static LoadResult tooLarge(String fileName, String size) {
    return failure(fileName,
        "the file is " + size + "; step files may be at most " + MAX_BYTES + " bytes (1 MiB)");
  }

  private static LoadResult failure(String fileName, String message) {
    return failure(fileName, 1, 1, message);
  }

  private static LoadResult failure(String fileName, int line, int column, String message) {
    return new LoadResult(null, List.of(new Diagnostic(fileName, line, column, "", message)));
  }
}
