package io.labflow.workflows.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns the nodes of a step file into plain Java data (strings, Integer or Long, Double, Boolean,
 * lists and maps), reporting what cannot be converted. One per document: it counts the values the
 * document expands to, so aliases cannot blow it up.
 */
public final class PlainValues {

  /** How many values a document may expand to through aliases before it is refused. */
  private static final int MAX_VALUES = 100_000;

  private final YamlNodes nodes;
  private int values;
  private boolean tooManyValues;

  public PlainValues(YamlNodes nodes) {
    this.nodes = nodes;
  }

  /** The value of a node as plain Java data, reporting what cannot be converted. */
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
      if (tooManyValues) {
        return null;
      }
      tooManyValues = true;
      return refuse(node, path,
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
      for (YamlNodes.Entry e : nodes.entries((MappingNode) node, path, null).values()) {
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
      Boolean b = YamlNodes.bool(s);
      if (b != null) {
        return b;
      }
    } else if (tag.equals(Tag.INT)) {
      BigInteger big = YamlNodes.integer(v);
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
    nodes.error(node, path, message);
    return null;
  }
}
