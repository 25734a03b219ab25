package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.math.BigInteger;
import java.util.ArrayList;
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
 * The {@code parameters} of a fleet or of one of its labs, as written: whether they bind is checked
 * later, against the step file.
 */
final class FleetParameters {

  private static final Pattern KEY = Pattern.compile(DefinitionKeys.KEY_PATTERN);

  private final FleetNodes nodes;

  FleetParameters(FleetNodes nodes) {
    this.nodes = nodes;
  }

  Map<String, Object> parameters(Entry entry, String path) {
    if (entry == null) {
      return Map.of();
    }
    nodes.remember(path, entry.value());
    if (!(entry.value() instanceof MappingNode map)) {
      nodes.error(entry.value(), path, "parameters must be a mapping of name to value, got "
          + FleetNodes.describe(entry.value()));
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    // The shared key checks: a name written twice is an error at the second, as in a step file.
    for (Entry e : nodes.mapping(map, path, null).values()) {
      if (!KEY.matcher(e.key()).matches()) {
        nodes.error(e.keyNode(), path, "parameter names are letters, digits, '_' and '-', got "
            + FleetNodes.describe(e.keyNode()));
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
    if (node instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < seq.getValue().size(); i++) {
        Node item = seq.getValue().get(i);
        if (!(item instanceof ScalarNode s)) {
          nodes.error(item, path + "[" + i + "]", "list items must be plain values, got "
              + FleetNodes.describe(item));
          return null;
        }
        Object v = scalar(s, path + "[" + i + "]");
        if (v == null) {
          return null;
        }
        out.add(v);
      }
      return out;
    }
    nodes.error(node, path, "a parameter value must be a string, number, boolean or list, got "
        + FleetNodes.describe(node));
    return null;
  }

  private Object scalar(ScalarNode s, String path) {
    Tag tag = s.getTag();
    if (Tag.BOOL.equals(tag)) {
      Boolean b = YamlNodes.bool(s);
      if (b == null) {
        nodes.error(s, path, "expected true or false, got " + FleetNodes.describe(s));
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
    nodes.error(s, path, "a parameter value must be a string, whole number or boolean, got "
        + FleetNodes.describe(s));
    return null;
  }
}
