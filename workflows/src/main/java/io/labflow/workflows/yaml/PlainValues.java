package io.labflow.workflows.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
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
 * One reading of a node as plain Java data for {@link YamlNodes#plain}: what cannot be converted is
 * reported through the document's {@link YamlNodes}, which also counts the values read so that
 * aliases cannot blow a file up.
 */
record PlainValues(YamlNodes nodes, BiConsumer<ScalarNode, String> strings) {

  /** How many values a document may expand to through aliases before it is refused. */
  private static final int MAX_VALUES = 100_000;

  Object plain(Node node, String path, int depth, Set<Node> ancestors) {
    int values = nodes.countValue();
    if (values > MAX_VALUES) {
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
          out.add(plain(seq.getValue().get(i), path + "[" + i + "]", depth + 1, ancestors));
        }
        return Collections.unmodifiableList(out);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (YamlNodes.Entry e : nodes.entries((MappingNode) node, path, null).values()) {
        out.put(e.key(), plain(e.value(), path + "." + e.key(), depth + 1, ancestors));
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
