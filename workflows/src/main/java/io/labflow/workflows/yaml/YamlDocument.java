package io.labflow.workflows.yaml;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses YAML text into SnakeYAML nodes, which keep the line and column of every value, with
 * limits against hostile input.
 */
public final class YamlDocument {

  /** Aliases of lists or maps a file may use; a handful is plenty, thousands is a bomb. */
  public static final int MAX_ALIASES = 20;

  /** How deeply lists and maps may nest. */
  public static final int MAX_NESTING = 50;

  /** A failure to parse, with its place (1-based). */
  public record Problem(int line, int column, String message) {}

  /** The root node (null for an empty document), or the problem that stopped parsing. */
  public record Parsed(Node root, Problem problem) {}

  private YamlDocument() {}

  public static Parsed parse(String text, int codePointLimit) {
    LoaderOptions options = options(codePointLimit);
    try {
      Composer composer =
          new Composer(new ParserImpl(new StreamReader(text), options), new CoreResolver(), options);
      return new Parsed(composer.getSingleNode(), null);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      StringBuilder message = new StringBuilder("invalid YAML: ");
      if (e.getContext() != null) {
        message.append(e.getContext()).append(": ");
      }
      message.append(e.getProblem() == null ? "syntax error" : e.getProblem());
      Mark context = e.getContextMark();
      if (context != null && mark != null && context.getLine() != mark.getLine()) {
        message.append(" (the construct began at line ").append(context.getLine() + 1)
            .append(", column ").append(context.getColumn() + 1).append(')');
      }
      return failed(mark, message.toString().replaceAll("\\s+", " ").trim());
    } catch (YAMLException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Number of aliases")) {
        Mark mark = breach(text, options, true);
        return failed(
            mark,
            "too many aliases of lists or maps (the limit is "
                + MAX_ALIASES
                + "); this looks like an alias expansion bomb");
      }
      if (message.contains("Nesting Depth")) {
        Mark mark = breach(text, options, false);
        return failed(mark, "lists and mappings nest more than " + MAX_NESTING + " levels deep");
      }
      return failed(null, "invalid YAML: " + message);
    } catch (RuntimeException | StackOverflowError e) {
      // The parser must never turn bad input into a stack trace; report what it said instead.
      return failed(
          null, "invalid YAML: " + (e.getMessage() == null ? "cannot be parsed" : e.getMessage()));
    }
  }

  /** A failure at a mark, or at the start of the file when the mark is unknown. */
  private static Parsed failed(Mark mark, String message) {
    return new Parsed(
        null,
        new Problem(
            mark == null ? 1 : mark.getLine() + 1,
            mark == null ? 1 : mark.getColumn() + 1,
            message));
  }

  private static LoaderOptions options(int codePointLimit) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(codePointLimit);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    return options;
  }

  /**
   * Where a limit was first broken: the alias past {@link #MAX_ALIASES} (when {@code aliases}), or
   * the list or map nested past {@link #MAX_NESTING}. The parser's events know, the exception does
   * not.
   */
  private static Mark breach(String text, LoaderOptions options, boolean aliases) {
    try {
      LoaderOptions relaxed = new LoaderOptions();
      relaxed.setCodePointLimit(options.getCodePointLimit());
      relaxed.setNestingDepthLimit(Integer.MAX_VALUE);
      Parser parser = new ParserImpl(new StreamReader(text), relaxed);
      Set<String> collectionAnchors = new HashSet<>();
      int count = 0;
      int depth = 0;
      while (!parser.checkEvent(Event.ID.StreamEnd)) {
        Event event = parser.getEvent();
        if (event instanceof CollectionStartEvent start) {
          if (start.getAnchor() != null) {
            collectionAnchors.add(start.getAnchor());
          }
          if (!aliases && ++depth > MAX_NESTING) {
            return event.getStartMark();
          }
        } else if (event instanceof CollectionEndEvent) {
          depth--;
        } else if (aliases
            && event instanceof AliasEvent alias
            && collectionAnchors.contains(alias.getAnchor())
            && ++count > MAX_ALIASES) {
          return alias.getStartMark();
        }
      }
    } catch (RuntimeException | StackOverflowError e) {
      return null;
    }
    return null;
  }

  /**
   * The YAML 1.2 core schema: only {@code true} and {@code false} are booleans (not {@code yes},
   * {@code no}, {@code on} or {@code off}), and dates stay strings.
   */
  static final class CoreResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      addImplicitResolver(Tag.INT, Pattern.compile("^[-+]?[0-9]+$"), "-+0123456789");
      addImplicitResolver(
          Tag.FLOAT,
          Pattern.compile(
              "^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)(?:[eE][-+]?[0-9]+)?$"
                  + "|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
                  + "|^[-+]?\\.(?:inf|Inf|INF)$|^\\.(?:nan|NaN|NAN)$"),
          "-+0123456789.");
      addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL|)$"), "~nN\0");
      addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
    }
  }
}
