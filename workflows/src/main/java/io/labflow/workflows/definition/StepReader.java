package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.PlainValues;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code steps} (and {@code onVariantChange}) of a step file: action steps with their
 * {@code with} and {@code compensate}, and parallel groups of them.
 */
final class StepReader {

  private static final List<String> STEP_KEYS;

  static {
    List<String> keys = new ArrayList<>(DefinitionKeys.ACTION_STEP);
    keys.add("parallel");
    STEP_KEYS = List.copyOf(keys);
  }

  private final YamlNodes nodes;
  private final OptionsReader options;
  private final ActionInputs inputs;

  StepReader(YamlNodes nodes, PlainValues values, OptionsReader options, ActionCatalog catalog) {
    this.nodes = nodes;
    this.options = options;
    this.inputs = new ActionInputs(nodes, values, catalog);
  }

  /** The steps of a list, or null (reported) when the node is not a list. */
  List<RawStep> readSteps(Node node, String path, StepDefaults defaults) {
    if (!(node instanceof SequenceNode seq)) {
      nodes.error(node, path, path + " must be a list of steps, got " + YamlNodes.describe(node));
      return null;
    }
    List<RawStep> out = new ArrayList<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      RawStep step = readStep(items.get(i), path + "[" + i + "]", defaults, null);
      if (step != null) {
        out.add(step);
      }
    }
    return out;
  }

  private RawStep readStep(Node node, String path, StepDefaults defaults, String group) {
    Map<String, Entry> m = nodes.mapping(node, path, STEP_KEYS);
    if (m == null) {
      return null;
    }
    RawStep raw = new RawStep();
    raw.path = path;
    raw.node = node;
    raw.id = nodes.requiredString(m, "id", node, path);
    if (raw.id != null) {
      raw.idNode = m.get("id").value();
      NameRules.checkId(nodes, "step id", raw.id, raw.idNode, path + ".id");
    }
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
      nodes.error(
          parallel.keyNode(),
          path + ".parallel",
          "parallel groups cannot be nested: branch '"
              + raw.id
              + "' of group '"
              + group
              + "' has 'parallel'");
      return raw.id == null ? null : raw;
    }
    for (Entry e : m.values()) {
      if (!DefinitionKeys.PARALLEL_STEP.contains(e.key())) {
        nodes.error(
            e.keyNode(),
            path + "." + e.key(),
            "a parallel group takes only 'id' and 'parallel'; put '"
                + e.key()
                + "' on its branches");
      }
    }
    raw.parallel = true;
    List<RawStep> branches = new ArrayList<>();
    if (!(parallel.value() instanceof SequenceNode seq)) {
      nodes.error(
          parallel.value(),
          path + ".parallel",
          "parallel must be a list of branch steps, got " + YamlNodes.describe(parallel.value()));
    } else if (seq.getValue().isEmpty()) {
      nodes.error(seq, path + ".parallel", "a parallel group needs at least one branch");
    } else {
      for (int i = 0; i < seq.getValue().size(); i++) {
        RawStep b =
            readStep(
                seq.getValue().get(i),
                path + ".parallel[" + i + "]",
                defaults,
                raw.id == null ? "?" : raw.id);
        if (b != null) {
          branches.add(b);
        }
      }
    }
    raw.branches = branches;
    List<ActionStep> actions = new ArrayList<>();
    for (RawStep b : branches) {
      if (b.step instanceof ActionStep action) {
        actions.add(action);
      }
    }
    raw.step = actions.isEmpty() ? null : new ParallelGroup(raw.id, actions, null, line);
    return raw;
  }

  private RawStep readAction(
      RawStep raw, Map<String, Entry> m, Node node, String path, StepDefaults defaults, int line) {
    if (!m.containsKey("action")) {
      nodes.error(
          node,
          path,
          (raw.id == null ? "the step" : "step '" + raw.id + "'")
              + " needs 'action' (or 'parallel' for a parallel group)");
    }
    String actionName = nodes.optionalString(m, "action", path);
    raw.action = inputs.action(actionName, m.get("action"), path + ".action");
    raw.withPath = path + ".with";
    raw.with = inputs.withEntries(m, raw.withPath);
    Map<String, Object> with = inputs.withValues(raw.with, raw.withPath);
    inputs.checkWith(
        raw.action, raw.with, m.containsKey("with") ? m.get("with").value() : node, raw.withPath);

    RetrySpec retry = options.optionalRetry(m, path, defaults);
    Duration timeout = options.optionalDuration(m, "timeout", path);
    Duration scheduleToClose = options.optionalDuration(m, "scheduleToClose", path);
    Duration heartbeat = options.heartbeatOf(m, path, raw.action, defaults);
    Compensation compensate = null;
    if (m.containsKey("compensate")) {
      compensate = readCompensation(m.get("compensate").value(), path + ".compensate", raw, defaults);
    }
    OnFailure onFailure = options.optionalOnFailure(m, path);
    raw.step =
        new ActionStep(
            raw.id, actionName, with, retry, timeout, scheduleToClose, heartbeat, compensate,
            onFailure, line);
    return raw;
  }

  private Compensation readCompensation(
      Node node, String path, RawStep raw, StepDefaults defaults) {
    Map<String, Entry> m = nodes.mapping(node, path, DefinitionKeys.COMPENSATE);
    if (m == null) {
      return null;
    }
    String actionName = nodes.requiredString(m, "action", node, path);
    raw.compensateAction = inputs.action(actionName, m.get("action"), path + ".action");
    raw.compensatePath = path + ".with";
    raw.compensateWith = inputs.withEntries(m, raw.compensatePath);
    Map<String, Object> with = inputs.withValues(raw.compensateWith, raw.compensatePath);
    inputs.checkWith(
        raw.compensateAction,
        raw.compensateWith,
        m.containsKey("with") ? m.get("with").value() : node,
        raw.compensatePath);
    RetrySpec retry = options.optionalRetry(m, path, defaults);
    Duration timeout = options.optionalDuration(m, "timeout", path);
    Duration heartbeat = options.heartbeatOf(m, path, raw.compensateAction, defaults);
    return new Compensation(actionName, with, retry, timeout, heartbeat);
  }
}
