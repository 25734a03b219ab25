package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.YamlNodes.Entry;
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

/**
 * The {@code labs} of a fleet file: a list of lab ids (each may have its own variant and
 * parameters), or a prefix and a count that number them.
 */
final class FleetLabs {

  static final Pattern VARIANT = Pattern.compile(DefinitionKeys.ID_PATTERN);

  private final FleetNodes nodes;
  private final FleetParameters parameters;

  FleetLabs(FleetNodes nodes, FleetParameters parameters) {
    this.nodes = nodes;
    this.parameters = parameters;
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
          + FleetNodes.describe(node));
      return List.of();
    }
    if (seq.getValue().size() > FleetKeys.MAX_LABS) {
      nodes.error(node, "labs", "a fleet has at most " + FleetKeys.MAX_LABS + " labs, got " + seq.getValue().size());
      return List.of();
    }
    List<FleetLab> labs = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String path = "labs[" + i + "]";
      nodes.remember(path, item);
      String id;
      String labVariant = variant;
      Map<String, Object> params = new LinkedHashMap<>(shared);
      if (item instanceof ScalarNode) {
        id = nodes.string(item, path);
      } else {
        Map<String, Entry> m = nodes.mapping(item, path, FleetKeys.LAB);
        if (m == null) {
          continue;
        }
        id = nodes.required(m, "id", item, path, null, null);
        String v = nodes.optionalString(m, "variant", path, VARIANT, "must be a variant name");
        labVariant = v != null ? v : variant;
        params.putAll(parameters.parameters(m.get("parameters"), path + ".parameters"));
      }
      if (id == null) {
        continue;
      }
      String idPath = item instanceof ScalarNode ? path : path + ".id";
      if (!LabIds.isValid(id)) {
        nodes.error(item, idPath, "lab id '" + id + "' must be " + LabIds.RULE);
        continue;
      }
      String first = seen.putIfAbsent(id, path);
      if (first != null) {
        nodes.error(item, idPath, "lab '" + id + "' is already listed at " + first);
        continue;
      }
      labs.add(new FleetLab(id, labVariant, params));
    }
    return labs;
  }

  private List<FleetLab> numbered(Node node, String variant, Map<String, Object> shared) {
    Map<String, Entry> m = nodes.mapping(node, "labs", FleetKeys.NUMBERED);
    if (m == null) {
      return List.of();
    }
    String prefix = nodes.required(m, "prefix", node, "labs", null, null);
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
}
