package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/** A step as read, with the nodes later checks (ids, references) point at. */
final class RawStep {
  String id;
  Node idNode;
  String path;
  Node node;
  ActionSpec action;
  Map<String, Entry> with = Map.of();
  String withPath;
  ActionSpec compensateAction;
  Map<String, Entry> compensateWith = Map.of();
  String compensatePath;
  /** Text a person reads that may hold {@code ${...}}: a task's title, a check's message. */
  Map<String, Entry> texts = Map.of();
  List<RawStep> branches = List.of();
  boolean parallel;
  /** The model step; null when what was read cannot make one (the problem is reported). */
  Step step;
}
