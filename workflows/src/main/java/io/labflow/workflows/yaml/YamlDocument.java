package io.labflow.workflows.yaml;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
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

  public static final int MAX_NESTING = 50;

  private YamlDocument() {}

  /**
   * The root node, or null for an empty document or after reporting to {@code nodes} the problem
   * that stopped parsing.
   */
  public static Node parse(String text, YamlNodes nodes) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(Integer.MAX_VALUE); // Counted by Limits, which knows where.
    options.setNestingDepthLimit(Integer.MAX_VALUE);
    try {
      return new Composer(new Limits(text, options), new CoreResolver(), options).getSingleNode();
    } catch (Breach e) {
      failed(nodes, e.mark, e.getMessage());
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      Mark context = e.getContextMark();
      String message = "invalid YAML: " + (e.getContext() == null ? "" : e.getContext() + ": ")
          + (e.getProblem() == null ? "syntax error" : e.getProblem())
          + (context != null && mark != null && context.getLine() != mark.getLine()
              ? " (the construct began at line " + (context.getLine() + 1) + ", column "
                  + (context.getColumn() + 1) + ")"
              : "");
      failed(nodes, mark, message.replaceAll("\\s+", " ").trim());
    } catch (RuntimeException | StackOverflowError e) {
      // The parser must never turn bad input into a stack trace; report what it said instead.
      failed(nodes, null,
          "invalid YAML: " + (e.getMessage() == null ? "cannot be parsed" : e.getMessage()));
    }
    return null;
  }

  /** A failure at a mark, or at the start of the file when the mark is unknown. */
  private static void failed(YamlNodes nodes, Mark mark, String message) {
    nodes.error(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
        message);
  }

  private static final class Breach extends RuntimeException {
    private final transient Mark mark;

    Breach(Mark mark, String message) {
      super(message);
      this.mark = mark;
    }
  }

  /**
   * The events the composer reads, stopped at the first alias of a list or map past {@link
   * #MAX_ALIASES} or the first list or map nested past {@link #MAX_NESTING}, with its place (the
   * composer's own limits do not say where).
   */
  private static final class Limits extends ParserImpl {
    private final Set<String> collectionAnchors = new HashSet<>();
    private int aliases;
    private int depth;

    Limits(String text, LoaderOptions options) {
      super(new StreamReader(text), options);
    }

    @Override
    public Event getEvent() {
      Event event = super.getEvent();
      if (event instanceof CollectionStartEvent start) {
        if (start.getAnchor() != null) {
          collectionAnchors.add(start.getAnchor());
        }
        if (++depth > MAX_NESTING) {
          throw new Breach(event.getStartMark(),
              "lists and mappings nest more than " + MAX_NESTING + " levels deep");
        }
      } else if (event instanceof CollectionEndEvent) {
        depth--;
      } else if (event instanceof AliasEvent alias
          && collectionAnchors.contains(alias.getAnchor())
          && ++aliases > MAX_ALIASES) {
        throw new Breach(alias.getStartMark(), "too many aliases of lists or maps (the limit is "
            + MAX_ALIASES + "); this looks like an alias expansion bomb");
      }
      return event;
    }
  }

  /**
   * The YAML 1.2 core schema: only {@code true} and {@code false} are booleans (not {@code yes},
   * {@code no}, {@code on} or {@code off}), and dates stay strings.
   */
  static final class CoreResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(
          Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      addImplicitResolver(Tag.INT, Pattern.compile("^[-+]?[0-9]+$"), "-+0123456789");
      addImplicitResolver(
          Tag.FLOAT,
          Pattern.compile(
              "^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)(?:[eE][-+]?[0-9]+)?$"
                  + "|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
                  + "|^[-+]?\\.(?:inf|Inf|INF)$|^\\.(?:nan|NaN|NAN)$"),
          "-+0123456789.");
      addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL|)$"), "~nN\0");
    }
  }
}
