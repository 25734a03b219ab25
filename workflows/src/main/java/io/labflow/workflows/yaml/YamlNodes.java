package io.labflow.workflows.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The nodes of one parsed YAML file, read as typed or plain Java values, and the problems found in
 * them. Every reader of a labflow file (step files, fleet files) reports through one of these, so
 * each problem reads {@code FILE:LINE:COLUMN: PATH: message} and all of them come out at once, in
 * file order.
 */
public final class YamlNodes {

  public record Entry(String key, Node keyNode, Node value) {}

  /** The core schema's scalar tags, as messages name them. */
  private static final Map<Tag, String> KINDS =
      Map.of(Tag.STR, "a string", Tag.INT, "an integer", Tag.FLOAT, "a number",
          Tag.BOOL, "a boolean", Tag.NULL, "null");

  private final String file;
  private final List<Diagnostic> errors = new ArrayList<>();
  /** Values read so far through {@link #plain}: counted so that aliases cannot blow a file up. */
  private int values;

  /** Problems will name {@code file}, such as {@code lab.yaml}. */
  public YamlNodes(String file) {
    this.file = file;
  }

  /** Reports a problem at a node; with no node the problem has no place (the whole file). */
  public void error(Node node, String path, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
    errors.add(new Diagnostic(file, line, column, path, message));
  }

  /** Reports a problem of the whole document at a 1-based line and column. */
  public void error(int line, int column, String message) {
    errors.add(new Diagnostic(file, line, column, "", message));
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Every problem reported, in file order (problems at one place in the order found). */
  public List<Diagnostic> errors() {
    List<Diagnostic> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    return sorted;
  }

  /**
   * The entries of a mapping, after checking that keys are strings, unique and (when {@code
   * allowed} is given) known; a key that fails is reported and left out.
   */
  public Map<String, Entry> entries(MappingNode map, String path, List<String> allowed) {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode ks) || isBadTag(ks) || ks.getTag().equals(Tag.NULL)) {
        error(k, path, "keys must be plain names, got " + describe(k));
        continue;
      }
      String key = ks.getValue();
      String keyPath = join(path, key);
      if (key.equals("<<")) {
        error(k, keyPath, "merge keys ('<<') are not supported; write the keys out");
        continue;
      }
      Entry previous = out.get(key);
      if (previous != null) {
        error(k, keyPath, "duplicate key '" + key + "' (first defined at line "
            + (previous.keyNode().getStartMark().getLine() + 1) + ")");
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        error(k, keyPath, "unknown key '" + key + "'" + Suggestions.hint(key, allowed));
        continue;
      }
      out.put(key, new Entry(key, k, t.getValueNode()));
    }
    return out;
  }

  /** Like {@link #entries}, or null, with an error, when the node is not a mapping. */
  public Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
    if (!(node instanceof MappingNode map)) {
      error(node, path, "expected a mapping, got " + describe(node));
      return null;
    }
    return entries(map, path, allowed);
  }

  /** Whether the mapping has {@code key}; when not, reports it missing at {@code at}. */
  public boolean requireKey(Map<String, Entry> m, String key, Node at, String path) {
    if (!m.containsKey(key)) {
      error(at, path, "missing required key '" + key + "'");
    }
    return m.containsKey(key);
  }

  public String requiredString(Map<String, Entry> m, String key, Node at, String path) {
    return requireKey(m, key, at, path) ? string(m.get(key).value(), join(path, key)) : null;
  }

  public String optionalString(Map<String, Entry> m, String key, String path) {
    return optional(m, key, path, this::string);
  }

  /** The value at {@code key}, read by {@code read} at {@code path.key}; null when absent. */
  public <T> T optional(
      Map<String, Entry> m, String key, String path, BiFunction<Node, String, T> read) {
    Entry e = m.get(key);
    return e == null ? null : read.apply(e.value(), join(path, key));
  }

  /** A string value, or null after reporting why not. */
  public String string(Node node, String path) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      if (s.getValue().isBlank()) {
        error(node, path, "must not be empty");
        return null;
      }
      return s.getValue();
    }
    error(node, path, "expected a string, got " + describe(node));
    return null;
  }

  public Boolean optionalBoolean(Map<String, Entry> m, String key, String path) {
    return optional(m, key, path, (node, at) -> {
      Boolean b = node instanceof ScalarNode s ? bool(s) : null;
      if (b == null) {
        error(node, at, "expected true or false, got " + describe(node));
      }
      return b;
    });
  }

  /** A whole number from 1 to {@code max}, or null after reporting {@code expected, got ...}. */
  public Integer wholeNumber(Node node, String path, int max, String expected) {
    BigInteger b = node instanceof ScalarNode s && s.getTag().equals(Tag.INT)
        ? integer(s.getValue()) : null;
    if (b != null && b.signum() > 0 && b.compareTo(BigInteger.valueOf(max)) <= 0) {
      return b.intValue();
    }
    error(node, path, expected + ", got "
        + (node instanceof ScalarNode s ? "'" + s.getValue() + "'" : describe(node)));
    return null;
  }

  /**
   * A boolean scalar's value: {@code true} or {@code false} in any case, also under an explicit
   * {@code !!bool} tag; null for anything else ({@code !!bool x}, a string, a number).
   */
  public static Boolean bool(ScalarNode s) {
    if (!s.getTag().equals(Tag.BOOL)) {
      return null;
    }
    String v = s.getValue();
    return v.equalsIgnoreCase("true") ? Boolean.TRUE
        : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
  }

  /** A list of strings, or none after reporting why not. */
  public List<String> stringList(Node node, String path) {
    return List.copyOf(list(node, path, "expected a list of strings", this::string));
  }

  /**
   * The items of a list, each read by {@code item} at {@code path[i]} (an item read as null is left
   * out), or none after reporting {@code notAList, got ...} when the node is not a list.
   */
  public <T> List<T> list(
      Node node, String path, String notAList, BiFunction<Node, String, T> item) {
    if (!(node instanceof SequenceNode seq)) {
      error(node, path, notAList + ", got " + describe(node));
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      T t = item.apply(seq.getValue().get(i), path + "[" + i + "]");
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * The values of a mapping by key, each read by {@code value} from its entry at {@code path.KEY}
   * (a value read as null is kept), or null after reporting why not when the node is not a mapping.
   */
  public <T> Map<String, T> map(Node node, String path, BiFunction<Entry, String, T> value) {
    Map<String, Entry> entries = mapping(node, path, null);
    if (entries == null) {
      return null;
    }
    Map<String, T> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      out.put(e.key(), value.apply(e, join(path, e.key())));
    }
    return out;
  }

  /**
   * The value of a node as plain Java data (strings, Integer or Long, Double, Boolean, lists and
   * maps), reporting what cannot be converted.
   */
  public Object plain(Node node, String path) {
    return plain(node, path, (s, p) -> {});
  }

  /** The same, handing each string it holds, with its path, to {@code strings}. */
  public Object plain(Node node, String path, BiConsumer<ScalarNode, String> strings) {
    return new PlainValues(this, strings)
        .plain(node, path, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  /** Counts one more value read through {@link #plain}; returns the count so far. */
  int countValue() {
    return ++values;
  }

  /** The path of a key under {@code path} ("" is the document). */
  public static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The integer an {@code !!int} scalar's text spells (an optional sign, then digits), or null. */
  public static BigInteger integer(String text) {
    try {
      return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A scalar whose tag is none of the core schema's (str, int, float, bool, null). */
  public static boolean isBadTag(ScalarNode s) {
    return !KINDS.containsKey(s.getTag());
  }

  public static boolean isPlainScalar(ScalarNode s) {
    return !isBadTag(s) && !s.getTag().equals(Tag.NULL);
  }

  /** What a node is, for messages: {@code a string}, {@code a list}, {@code null}... */
  public static String describe(Node node) {
    return node == null ? "nothing"
        : node instanceof MappingNode ? "a mapping"
        : node instanceof SequenceNode ? "a list"
        : KINDS.getOrDefault(node.getTag(), "a value tagged '" + node.getTag().getValue() + "'");
  }
}
