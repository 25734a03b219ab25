package io.labflow.workflows.fleet;

import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The nodes of one fleet file, read through the step files' {@link YamlNodes} (same diagnostics,
 * same key checks) in a fleet file's words, and the places of the values later checks talk about.
 */
final class FleetNodes {

  final YamlNodes yaml;

  /** Where the values were written, by path. */
  final Map<String, FleetLoadResult.Place> places = new HashMap<>();

  FleetNodes(String file) {
    this.yaml = new YamlNodes(file);
  }

  void error(Node node, String path, String message) {
    yaml.error(node, path, message);
  }

  Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
    if (!(node instanceof MappingNode map)) {
      error(node, path, (path.isEmpty() ? "a fleet file" : path) + " must be a mapping, got " + describe(node));
      return null;
    }
    Map<String, Entry> out = yaml.entries(map, path, allowed);
    for (Entry e : out.values()) {
      remember(YamlNodes.join(path, e.key()), e.value());
    }
    return out;
  }

  String required(Map<String, Entry> m, String key, Node at, String path, Pattern form, String rule) {
    if (!m.containsKey(key)) {
      error(at, path, "missing required key '" + key + "'");
      return null;
    }
    return optionalString(m, key, path, form, rule);
  }

  String optionalString(Map<String, Entry> m, String key, String path, Pattern form, String rule) {
    Entry e = m.get(key);
    if (e == null) {
      return null;
    }
    String at = YamlNodes.join(path, key);
    String s = string(e.value(), at);
    if (s != null && form != null && !form.matcher(s).matches()) {
      error(e.value(), at, key + " '" + s + "' " + rule);
      return null;
    }
    return s;
  }

  String string(Node node, String path) {
    if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag()) && !s.getValue().isEmpty()) {
      return s.getValue();
    }
    error(node, path, "expected a non-empty string, got " + describe(node));
    return null;
  }

  Integer optionalInt(Map<String, Entry> m, String key, int min, int max) {
    Entry e = m.get(key);
    return e == null ? null : integer(e.value(), key, min, max);
  }

  Integer integer(Node node, String path, int min, int max) {
    if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
      BigInteger b = YamlNodes.integer(s.getValue());
      if (b != null
          && b.compareTo(BigInteger.valueOf(min)) >= 0
          && b.compareTo(BigInteger.valueOf(max)) <= 0) {
        return b.intValue();
      }
    }
    error(node, path, "expected a whole number from " + min + " to " + max + ", got " + describe(node));
    return null;
  }

  void remember(String path, Node node) {
    places.putIfAbsent(path, new FleetLoadResult.Place(
        node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
  }

  /** What a node is, for a fleet file's messages: a scalar is quoted, so the reader sees it. */
  static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      if (Tag.NULL.equals(s.getTag())) {
        return "nothing";
      }
      String v = s.getValue();
      return "'" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'";
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }
}
