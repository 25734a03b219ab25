package io.labflow.workflows.definition;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code steps} (and {@code onVariantChange}) of a step file: action steps with their
 * {@code with} and {@code compensate}, and parallel groups of them.
 */
record StepReader(YamlNodes nodes, OptionsReader options, ActionInputs inputs) {

  private static final List<String> STEP_KEYS =
      Stream.concat(DefinitionKeys.ACTION_STEP.stream(), Stream.of("parallel")).toList();

  /** The steps of a list; none (reported) when the node is not a list. */
  List<RawStep> readSteps(Node node, String path, StepDefaults defaults) {
    List<RawStep> out = nodes.list(
        node, path, path + " must be a list of steps", (n, p) -> readStep(n, p, defaults, null));
    return out == null ? List.of() : out;
  }

  private RawStep readStep(Node node, String path, StepDefaults defaults, String group) {
    Map<String, Entry> m = nodes.mapping(node, path, STEP_KEYS);
    if (m == null) {
      return null;
    }
    RawStep raw = RawStep.withId(nodes, m, node, path, "step id");
    int line = node.getStartMark().getLine() + 1;
    if (m.containsKey("parallel")) {
      return readGroup(raw, m, path, defaults, group, line);
    }
    return readAction(raw, m, node, path, defaults, line);
  }

  private RawStep readGroup(
      RawStep raw, Map<String, Entry> m, String path, StepDefaults defaults, String group, int line) {
    Entry parallel = m.get("parallel");
    if (group != null) {
      nodes.error(parallel.keyNode(), path + ".parallel",
          "parallel groups cannot be nested: branch '" + raw.id + "' of group '" + group
              + "' has 'parallel'");
      return raw.id == null ? null : raw;
    }
    for (Entry e : m.values()) {
      if (!DefinitionKeys.PARALLEL_STEP.contains(e.key())) {
        nodes.error(e.keyNode(), path + "." + e.key(),
            "a parallel group takes only 'id' and 'parallel'; put '" + e.key()
                + "' on its branches");
      }
    }
    raw.parallel = true;
    if (parallel.value() instanceof SequenceNode seq && seq.getValue().isEmpty()) {
      nodes.error(seq, path + ".parallel", "a parallel group needs at least one branch");
    }
    String id = raw.id == null ? "?" : raw.id;
    List<RawStep> branches = nodes.list(parallel.value(), path + ".parallel",
        "parallel must be a list of branch steps", (n, p) -> readStep(n, p, defaults, id));
    raw.branches = branches == null ? List.of() : branches;
    List<ActionStep> actions = raw.branches.stream().map(b -> b.step)
        .filter(ActionStep.class::isInstance).map(ActionStep.class::cast).toList();
    raw.step = actions.isEmpty() ? null : new ParallelGroup(raw.id, actions, null, line);
    return raw;
  }

  private RawStep readAction(
      RawStep raw, Map<String, Entry> m, Node node, String path, StepDefaults defaults, int line) {
    if (!m.containsKey("action")) {
      nodes.error(node, path, (raw.id == null ? "the step" : "step '" + raw.id + "'")
          + " needs 'action' (or 'parallel' for a parallel group)");
    }
    String actionName = nodes.optionalString(m, "action", path);
    Map<String, Object> with = inputs.read(raw, actionName, m, node, path, false);
    StepDefaults own = options.read(m, path, defaults, raw.action);
    Compensation compensate = null;
    if (m.containsKey("compensate")) {
      raw.undo = new RawStep();
      compensate =
          readCompensation(m.get("compensate").value(), path + ".compensate", raw.undo, defaults);
    }
    raw.step = new ActionStep(raw.id, actionName, with, own.retry(), own.timeout(),
        own.scheduleToClose(), own.heartbeat(), compensate, own.onFailure(), line);
    return raw;
  }

  private Compensation readCompensation(
      Node node, String path, RawStep undo, StepDefaults defaults) {
    Map<String, Entry> m = nodes.mapping(node, path, DefinitionKeys.COMPENSATE);
    if (m == null) {
      return null;
    }
    String actionName = nodes.requiredString(m, "action", node, path);
    Map<String, Object> with = inputs.read(undo, actionName, m, node, path, false);
    StepDefaults own = options.read(m, path, defaults, undo.action);
    return new Compensation(actionName, with, own.retry(), own.timeout(), own.heartbeat(), null);
  }
}
