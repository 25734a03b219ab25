package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
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
 * The {@code labs} of a fleet file: a list of lab ids (each may have its own variant and
 * parameters), or a prefix and a count that number them; and the {@code parameters} of the fleet
 * or of a lab, as written: whether they bind is checked later, against the step file.
 */
final class FleetLabs {

  static final Pattern VARIANT = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern KEY = Pattern.compile(DefinitionKeys.KEY_PATTERN);

  private final FleetNodes nodes;

  FleetLabs(FleetNodes nodes) {
    this.nodes = nodes;
  }

  List<FleetLab> labs(Entry entry, Node root, String variant, Map<String, Object> shared) {
    if (entry == null) {
      nodes.error(root, "", "missing required key 'labs' (a list of lab ids, or prefix and count)");
      return List.of();
    }
    Node node = entry.value();
    nodes.remember("labs", node);
    if (node instanceof MappingNode) {
      return numbered(node, variant, shared);
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      nodes.error(node, "labs", "labs must be a non-empty list of labs, or a mapping of prefix and count, got "
          + YamlNodes.describe(node));
      return List.of();
    }
    if (seq.getValue().size() > FleetKeys.MAX_LABS) {
      nodes.error(node, "labs", "a fleet has at most " + FleetKeys.MAX_LABS + " labs, got " + seq.getValue().size());
      return List.of();
    }
    Map<String, String> seen = new HashMap<>();
    return nodes.yaml.list(seq, "labs", "", (item, path) -> {
      nodes.remember(path, item);
      String id;
      String labVariant = variant;
      Map<String, Object> params = new LinkedHashMap<>(shared);
      if (item instanceof ScalarNode) {
        id = nodes.yaml.string(item, path);
      } else {
        Map<String, Entry> m = nodes.mapping(item, path, FleetKeys.LAB);
        if (m == null) {
          return null;
        }
        id = nodes.yaml.requiredString(m, "id", item, path);
        String v = nodes.string(m, "variant", path, VARIANT, "must be a variant name");
        labVariant = v != null ? v : variant;
        params.putAll(parameters(m.get("parameters"), path + ".parameters"));
      }
      if (id == null) {
        return null;
      }
      String idPath = item instanceof ScalarNode ? path : path + ".id";
      if (!LabIds.isValid(id)) {
        nodes.error(item, idPath, "lab id '" + id + "' must be " + LabIds.RULE);
        return null;
      }
      String first = seen.putIfAbsent(id, path);
      if (first != null) {
        nodes.error(item, idPath, "lab '" + id + "' is already listed at " + first);
        return null;
      }
      return new FleetLab(id, labVariant, params);
    });
  }

  private List<FleetLab> numbered(Node node, String variant, Map<String, Object> shared) {
    Map<String, Entry> m = nodes.mapping(node, "labs", FleetKeys.NUMBERED);
    if (m == null) {
      return List.of();
    }
    String prefix = nodes.yaml.requiredString(m, "prefix", node, "labs");
    Integer count = null;
    if (!m.containsKey("count")) {
      nodes.error(node, "labs", "missing required key 'count'");
    } else {
      count = nodes.integer(m.get("count").value(), "labs.count", 1, FleetKeys.MAX_LABS);
    }
    if (prefix == null || count == null) {
      return List.of();
    }
    int width = Math.max(2, String.valueOf(count).length());
    String last = prefix + String.format("%0" + width + "d", count);
    if (!LabIds.isValid(last)) {
      nodes.error(m.get("prefix").value(), "labs.prefix", "prefix '" + prefix + "' makes lab ids such as '"
          + last + "', which must be " + LabIds.RULE);
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
    nodes.remember(path, entry.value());
    if (!(entry.value() instanceof MappingNode map)) {
      nodes.error(entry.value(), path, "parameters must be a mapping of name to value, got "
          + YamlNodes.describe(entry.value()));
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    // The shared key checks: a name written twice is an error at the second, as in a step file.
    for (Entry e : nodes.mapping(map, path, null).values()) {
      if (!KEY.matcher(e.key()).matches()) {
        nodes.error(e.keyNode(), path, "parameter names are letters, digits, '_' and '-', got "
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
      return nodes.yaml.list(node, path, "", (item, at) -> {
        if (item instanceof ScalarNode s) {
          return scalar(s, at);
        }
        nodes.error(item, at, "list items must be plain values, got " + YamlNodes.describe(item));
        return null;
      });
    }
    nodes.error(node, path, "a parameter value must be a string, number, boolean or list, got "
        + YamlNodes.describe(node));
    return null;
  }

  private Object scalar(ScalarNode s, String path) {
    Tag tag = s.getTag();
    if (Tag.BOOL.equals(tag)) {
      Boolean b = YamlNodes.bool(s);
      if (b == null) {
        nodes.error(s, path, "expected true or false, got '" + s.getValue() + "'");
      }
      return b;
    }
    BigInteger b = Tag.INT.equals(tag) ? YamlNodes.integer(s.getValue()) : null;
    if (b != null) {
      if (b.bitLength() > 63) {
        nodes.error(s, path, "the number " + s.getValue() + " is too large");
        return null;
      }
      return b.longValue();
    }
    if (Tag.STR.equals(tag)) {
      return s.getValue();
    }
    if (Tag.NULL.equals(tag)) {
      nodes.error(s, path, "a parameter needs a value (leave it out to take the definition's default)");
      return null;
    }
    nodes.error(s, path, "a parameter value must be a string, whole number or boolean, got '"
        + s.getValue() + "'");
    return null;
  }
}
