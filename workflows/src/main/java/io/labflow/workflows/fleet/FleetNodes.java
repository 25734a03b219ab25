package io.labflow.workflows.fleet;

import io.labflow.workflows.yaml.YamlNodes;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The nodes of one fleet file, read through the step files' {@link YamlNodes} (same diagnostics,
 * same key checks, same words), and the places of the values later checks talk about.
 */
final class FleetNodes {

  final YamlNodes yaml;

  final Map<String, FleetLoadResult.Place> places = new HashMap<>();

  FleetNodes(String file) {
    this.yaml = new YamlNodes(file);
  }

  void error(Node node, String path, String message) {
    yaml.error(node, path, message);
  }

  /** {@link YamlNodes#mapping}, remembering where each value was written. */
  Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
    Map<String, Entry> out = yaml.mapping(node, path, allowed);
    if (out != null) {
      out.values().forEach(e -> remember(YamlNodes.join(path, e.key()), e.value()));
    }
    return out;
  }

  /** {@link #string}, or null after {@link YamlNodes#requiredString} reported it missing. */
  String required(Map<String, Entry> m, String key, Node at, String path, Pattern form, String rule) {
    return m.containsKey(key)
        ? string(m, key, path, form, rule) : yaml.requiredString(m, key, at, path);
  }

  /** The string at {@code key}, or null (absent, or reported); it must match {@code form} if any. */
  String string(Map<String, Entry> m, String key, String path, Pattern form, String rule) {
    String s = yaml.optionalString(m, key, path);
    if (s != null && form != null && !form.matcher(s).matches()) {
      error(m.get(key).value(), YamlNodes.join(path, key), key + " '" + s + "' " + rule);
      return null;
    }
    return s;
  }

  /** The whole number at {@code key}, from 1 to {@code max}; {@code fallback} when absent. */
  Integer integer(Map<String, Entry> m, String key, int max, int fallback) {
    return m.containsKey(key) ? integer(m.get(key).value(), key, 1, max) : (Integer) fallback;
  }

  Integer integer(Node node, String path, int min, int max) {
    BigInteger b = node instanceof ScalarNode s && Tag.INT.equals(s.getTag())
        ? YamlNodes.integer(s.getValue()) : null;
    if (b != null && b.compareTo(BigInteger.valueOf(min)) >= 0
        && b.compareTo(BigInteger.valueOf(max)) <= 0) {
      return b.intValue();
    }
    error(node, path, "expected a whole number from " + min + " to " + max + ", got "
        + (node instanceof ScalarNode s ? "'" + s.getValue() + "'" : YamlNodes.describe(node)));
    return null;
  }

  void remember(String path, Node node) {
    places.putIfAbsent(path, new FleetLoadResult.Place(
        node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
  }
}
