package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.yaml.YamlNodes;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A step (or task, or check) as read, with the nodes later checks (ids, references) point at. */
final class RawStep {
  String id;
  Node idNode;
  String path;
  Node node;
  ActionSpec action;
  /**
   * What may hold {@code ${...}}, by path: the strings of {@code with} at any depth, a task's title
   * and instructions, a check's message and hint.
   */
  final Map<String, ScalarNode> strings = new LinkedHashMap<>();
  /** The compensation's action and {@code with}, when the step has one. */
  RawStep undo;
  List<RawStep> branches = List.of();
  boolean parallel;
  /** The model step; null when what was read cannot make one (the problem is reported). */
  Step step;

  /** The read of the mapping {@code m} at {@code path}, starting with its required id. */
  static RawStep withId(
      YamlNodes nodes, Map<String, Entry> m, Node node, String path, String what) {
    RawStep raw = new RawStep();
    raw.path = path;
    raw.node = node;
    raw.id = nodes.requiredString(m, "id", node, path);
    if (raw.id != null) {
      raw.idNode = m.get("id").value();
      DefinitionKeys.checkId(nodes, what, raw.id, raw.idNode, path + ".id");
    }
    return raw;
  }
}
