package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.YamlNodes;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * same key checks, same words), and the places of the values later checks talk about. Its {@code
 * labs} are a list of lab ids (each may have its own variant and parameters), or a prefix and a
 * count that number them; the {@code parameters} of the fleet or of a lab are read as written:
 * whether they bind is checked later, against the step file.
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

  /** {@link #string}, or null after {@link YamlNodes#requireKey} reported it missing. */
  String required(
      Map<String, Entry> m, String key, Node at, String path, Pattern form, String rule) {
    return yaml.requireKey(m, key, at, path) ? string(m, key, path, form, rule) : null;
  }

  /** The string at {@code key}, or null (absent, or reported); it must match {@code form}. */
  String string(Map<String, Entry> m, String key, String path, Pattern form, String rule) {
    String s = yaml.optionalString(m, key, path);
    if (s != null && !form.matcher(s).matches()) {
      error(m.get(key).value(), YamlNodes.join(path, key), key + " '" + s + "' " + rule);
      return null;
    }
    return s;
  }

  /** The whole number at {@code key}, from 1 to {@code max}; {@code fallback} when absent. */
  Integer integer(Map<String, Entry> m, String key, int max, int fallback) {
    return m.containsKey(key) ? integer(m.get(key).value(), key, max) : (Integer) fallback;
  }

  /** The whole number at a node, from 1 to {@code max}, or null (reported). */
  Integer integer(Node node, String path, int max) {
    return yaml.wholeNumber(node, path, max, "expected a whole number from 1 to " + max);
  }

  void remember(String path, Node node) {
    places.putIfAbsent(path, new FleetLoadResult.Place(
        node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
  }

  List<FleetLab> labs(Entry entry, Node root, String variant, Map<String, Object> shared) {
    if (entry == null) {
      error(root, "", "missing required key 'labs' (a list of lab ids, or prefix and count)");
      return List.of();
    }
    Node node = entry.value();
    if (node instanceof MappingNode) {
      return numbered(node, variant, shared);
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      error(node, "labs", "labs must be a non-empty list of labs, or a mapping of prefix and count,"
          + " got " + YamlNodes.describe(node));
      return List.of();
    }
    if (seq.getValue().size() > FleetKeys.MAX_LABS) {
      error(node, "labs",
          "a fleet has at most " + FleetKeys.MAX_LABS + " labs, got " + seq.getValue().size());
      return List.of();
    }
    Map<String, String> seen = new HashMap<>();
    return yaml.list(seq, "labs", "", (item, path) -> {
      remember(path, item);
      String id;
      String labVariant = variant;
      Map<String, Object> params = new LinkedHashMap<>(shared);
      if (item instanceof ScalarNode) {
        id = yaml.string(item, path);
      } else {
        Map<String, Entry> m = mapping(item, path, FleetKeys.LAB);
        if (m == null) {
          return null;
        }
        id = yaml.requiredString(m, "id", item, path);
        String v = string(m, "variant", path, DefinitionKeys.ID, "must be a variant name");
        labVariant = v != null ? v : variant;
        params.putAll(parameters(m.get("parameters"), path + ".parameters"));
      }
      if (id == null) {
        return null;
      }
      String idPath = item instanceof ScalarNode ? path : path + ".id";
      if (!LabIds.isValid(id)) {
        error(item, idPath, "lab id '" + id + "' must be " + LabIds.RULE);
        return null;
      }
      String first = seen.putIfAbsent(id, path);
      if (first != null) {
        error(item, idPath, "lab '" + id + "' is already listed at " + first);
        return null;
      }
      return new FleetLab(id, labVariant, params);
    });
  }

  private List<FleetLab> numbered(Node node, String variant, Map<String, Object> shared) {
    Map<String, Entry> m = mapping(node, "labs", FleetKeys.NUMBERED);
    if (m == null) {
      return List.of();
    }
    String prefix = yaml.requiredString(m, "prefix", node, "labs");
    Integer count = !yaml.requireKey(m, "count", node, "labs") ? null
        : integer(m.get("count").value(), "labs.count", FleetKeys.MAX_LABS);
    if (prefix == null || count == null) {
      return List.of();
    }
    int width = Math.max(2, String.valueOf(count).length());
    String last = prefix + String.format("%0" + width + "d", count);
    if (!LabIds.isValid(last)) {
      error(m.get("prefix").value(), "labs.prefix", "prefix '" + prefix
          + "' makes lab ids such as '" + last + "', which must be " + LabIds.RULE);
      return List.of();
    }
    List<FleetLab> labs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      labs.add(new FleetLab(prefix + String.format("%0" + width + "d", i), variant, shared));
    }
    return labs;
  }

  Map<String, Object> parameters(Entry entry, String path) {
    if (entry == null) {
      return Map.of();
    }
    if (!(entry.value() instanceof MappingNode map)) {
      error(entry.value(), path, "parameters must be a mapping of name to value, got "
          + YamlNodes.describe(entry.value()));
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    // The shared key checks: a name written twice is an error at the second, as in a step file.
    for (Entry e : mapping(map, path, null).values()) {
      if (!DefinitionKeys.KEY.matcher(e.key()).matches()) {
        error(e.keyNode(), path, "parameter names are letters, digits, '_' and '-', got "
            + "'" + e.key() + "'");
        continue;
      }
      Object value = value(e.value(), path + "." + e.key());
      if (value != null) {
        out.put(e.key(), value);
      }
    }
    return out;
  }

  /** A parameter value: a scalar, or a list of scalars. */
  private Object value(Node node, String path) {
    if (node instanceof ScalarNode s) {
      return scalar(s, path);
    }
    if (node instanceof SequenceNode) {
      // A bad item leaves the fleet unloaded; the rest are still read, for their own problems.
      return yaml.list(node, path, "", (item, at) -> {
        if (item instanceof ScalarNode s) {
          return scalar(s, at);
        }
        error(item, at, "list items must be plain values, got " + YamlNodes.describe(item));
        return null;
      });
    }
    error(node, path, "a parameter value must be a string, number, boolean or list, got "
        + YamlNodes.describe(node));
    return null;
  }

  private Object scalar(ScalarNode s, String path) {
    Tag tag = s.getTag();
    if (Tag.BOOL.equals(tag)) {
      Boolean b = YamlNodes.bool(s);
      if (b == null) {
        error(s, path, "expected true or false, got '" + s.getValue() + "'");
      }
      return b;
    }
    BigInteger b = Tag.INT.equals(tag) ? YamlNodes.integer(s.getValue()) : null;
    if (b != null) {
      if (b.bitLength() > 63) {
        error(s, path, "the number " + s.getValue() + " is too large");
        return null;
      }
      return b.longValue();
    }
    if (Tag.STR.equals(tag)) {
      return s.getValue();
    }
    if (Tag.NULL.equals(tag)) {
      error(s, path, "a parameter needs a value (leave it out to take the definition's default)");
      return null;
    }
    error(s, path, "a parameter value must be a string, whole number or boolean, got '"
        + s.getValue() + "'");
    return null;
  }
}
