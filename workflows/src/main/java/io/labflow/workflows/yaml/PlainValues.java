package io.labflow.workflows.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
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
    return plain(node, path, 0, Collections.newSetFromMap(new IdentityHashMap<>()), true);
  }

  private Object plain(Node node, String path, int depth, Set<Node> ancestors, boolean report) {
    if (++values > MAX_VALUES && report) {
      if (tooManyValues) {
        return null;
      }
      tooManyValues = true;
      return refuse(true, node, path,
          "the document expands to more than " + MAX_VALUES + " values through aliases");
    }
    if (depth > YamlDocument.MAX_NESTING) {
      return refuse(report, node, path,
          "values nest more than " + YamlDocument.MAX_NESTING + " levels deep");
    }
    if (node instanceof ScalarNode s) {
      return scalarValue(s, path, report);
    }
    if (!ancestors.add(node)) {
      return refuse(report, node, path,
          "an alias may not refer to a list or mapping that contains it");
    }
    try {
      if (!node.getTag().equals(node instanceof SequenceNode ? Tag.SEQ : Tag.MAP)) {
        return refuse(
            report, node, path, "unsupported YAML tag '" + node.getTag().getValue() + "'");
      }
      if (node instanceof SequenceNode seq) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
          out.add(plain(seq.getValue().get(i), path + "[" + i + "]", depth + 1, ancestors, report));
        }
        return Collections.unmodifiableList(out);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        Node k = t.getKeyNode();
        if (!(k instanceof ScalarNode ks) || !YamlNodes.isPlainScalar(ks)) {
          refuse(report, k, path, "keys must be plain names, got " + YamlNodes.describe(k));
          continue;
        }
        String key = ks.getValue();
        String keyPath = path + "." + key;
        if (out.containsKey(key)) {
          refuse(report, k, keyPath, "duplicate key '" + key + "'");
          continue;
        }
        if (key.equals("<<") && report) {
          refuse(true, k, keyPath, "merge keys ('<<') are not supported; write the keys out");
          continue;
        }
        out.put(key, plain(t.getValueNode(), keyPath, depth + 1, ancestors, report));
      }
      return Collections.unmodifiableMap(out);
    } finally {
      ancestors.remove(node);
    }
  }

  private Object scalarValue(ScalarNode s, String path, boolean report) {
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
        return refuse(report, s, path, "integer " + v + " is out of range");
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
      return refuse(report, s, path, "'" + v + "' is not a finite number");
    } else {
      return refuse(report, s, path, "unsupported YAML tag '" + tag.getValue() + "'");
    }
    return refuse(report, s, path, "'" + v + "' is not a valid " + tag.getValue());
  }

  /** Reports a value that cannot be converted (unless quiet); it converts to null. */
  private Object refuse(boolean report, Node node, String path, String message) {
    if (report) {
      nodes.error(node, path, message);
    }
    return null;
  }
}
