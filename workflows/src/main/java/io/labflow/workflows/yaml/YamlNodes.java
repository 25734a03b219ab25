package io.labflow.workflows.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** A key of a mapping with its nodes. */
  public record Entry(String key, Node keyNode, Node value) {}

  /** The core schema's scalar tags, as messages name them. */
  private static final Map<Tag, String> KINDS =
      Map.of(Tag.STR, "a string", Tag.INT, "an integer", Tag.FLOAT, "a number",
          Tag.BOOL, "a boolean", Tag.NULL, "null");

  /** How many values a document may expand to through aliases before it is refused. */
  private static final int MAX_VALUES = 100_000;

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

  public String requiredString(Map<String, Entry> m, String key, Node at, String path) {
    if (!m.containsKey(key)) {
      error(at, path, "missing required key '" + key + "'");
      return null;
    }
    return string(m.get(key).value(), join(path, key));
  }

  public String optionalString(Map<String, Entry> m, String key, String path) {
    Entry e = m.get(key);
    return e == null ? null : string(e.value(), join(path, key));
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
    Entry e = m.get(key);
    if (e == null) {
      return null;
    }
    Boolean b = e.value() instanceof ScalarNode s ? bool(s) : null;
    if (b == null) {
      error(e.value(), path + "." + key, "expected true or false, got " + describe(e.value()));
    }
    return b;
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
    return v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
  }

  /** A list of strings, or null after reporting why not. */
  public List<String> stringList(Node node, String path) {
    List<String> out = list(node, path, "expected a list of strings", this::string);
    return out == null ? null : List.copyOf(out);
  }

  /**
   * The items of a list, each read by {@code item} at {@code path[i]} (an item read as null is left
   * out), or null after reporting {@code notAList, got ...} when the node is not a list.
   */
  public <T> List<T> list(
      Node node, String path, String notAList, BiFunction<Node, String, T> item) {
    if (!(node instanceof SequenceNode seq)) {
      error(node, path, notAList + ", got " + describe(node));
      return null;
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
    return plain(node, path, 0, Collections.newSetFromMap(new IdentityHashMap<>()), strings);
  }

  private Object plain(Node node, String path, int depth, Set<Node> ancestors,
      BiConsumer<ScalarNode, String> strings) {
    if (++values > MAX_VALUES) {
      return values > MAX_VALUES + 1 ? null : refuse(node, path,
          "the document expands to more than " + MAX_VALUES + " values through aliases");
    }
    if (depth > YamlDocument.MAX_NESTING) {
      return refuse(
          node, path, "values nest more than " + YamlDocument.MAX_NESTING + " levels deep");
    }
    if (node instanceof ScalarNode s) {
      if (s.getTag().equals(Tag.STR)) {
        strings.accept(s, path);
      }
      return scalarValue(s, path);
    }
    if (!ancestors.add(node)) {
      return refuse(node, path, "an alias may not refer to a list or mapping that contains it");
    }
    try {
      if (!node.getTag().equals(node instanceof SequenceNode ? Tag.SEQ : Tag.MAP)) {
        return refuse(node, path, "unsupported YAML tag '" + node.getTag().getValue() + "'");
      }
      if (node instanceof SequenceNode seq) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
          Node item = seq.getValue().get(i);
          out.add(plain(item, path + "[" + i + "]", depth + 1, ancestors, strings));
        }
        return Collections.unmodifiableList(out);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (Entry e : entries((MappingNode) node, path, null).values()) {
        out.put(e.key(), plain(e.value(), path + "." + e.key(), depth + 1, ancestors, strings));
      }
      return Collections.unmodifiableMap(out);
    } finally {
      ancestors.remove(node);
    }
  }

  private Object scalarValue(ScalarNode s, String path) {
    Tag tag = s.getTag();
    String v = s.getValue();
    if (tag.equals(Tag.STR)) {
      return v;
    }
    if (tag.equals(Tag.NULL)) {
      return null;
    }
    if (tag.equals(Tag.BOOL)) {
      Boolean b = bool(s);
      if (b != null) {
        return b;
      }
    } else if (tag.equals(Tag.INT)) {
      BigInteger big = integer(v);
      if (big != null && big.bitLength() < 64) {
        return big.bitLength() < 32 ? (Object) big.intValue() : (Object) big.longValue();
      }
      if (big != null) {
        return refuse(s, path, "integer " + v + " is out of range");
      }
    } else if (tag.equals(Tag.FLOAT)) {
      try {
        double d = Double.parseDouble(v);
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      return refuse(s, path, "'" + v + "' is not a finite number");
    } else {
      return refuse(s, path, "unsupported YAML tag '" + tag.getValue() + "'");
    }
    return refuse(s, path, "'" + v + "' is not a valid " + tag.getValue());
  }

  /** Reports a value that cannot be converted; it converts to null. */
  private Object refuse(Node node, String path, String message) {
    error(node, path, message);
    return null;
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
