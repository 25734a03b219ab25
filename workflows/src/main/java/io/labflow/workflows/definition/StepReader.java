package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the {@code steps} (and {@code onVariantChange}) of a step file: action steps with their
 * {@code with} and {@code compensate}, and parallel groups of them; a step's (or undo's, or
 * check's) action is looked up in the catalog and its {@code with} checked against the action's
 * inputs, literal values and each of the {@code variants}' values where the action declares
 * {@linkplain FieldSpec#opposite opposite} lists.
 */
record StepReader(YamlNodes nodes, OptionsReader options, ActionCatalog catalog,
    Map<String, Map<String, Object>> variants) {

  private static final List<String> STEP_KEYS =
      Stream.concat(DefinitionKeys.ACTION_STEP.stream(), Stream.of("parallel")).toList();

  /** The steps at {@code key} of {@code m}: none without the key, none (reported) if no list. */
  List<RawStep> readSteps(Map<String, Entry> m, String key, String path, StepDefaults defaults) {
    String at = YamlNodes.join(path, key);
    return !m.containsKey(key) ? List.of() : nodes.list(m.get(key).value(), at,
        at + " must be a list of steps", (n, p) -> readStep(n, p, defaults, null));
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

  private RawStep readGroup(RawStep raw, Map<String, Entry> m, String path, StepDefaults defaults,
      String group, int line) {
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
    raw.branches = nodes.list(parallel.value(), path + ".parallel",
        "parallel must be a list of branch steps", (n, p) -> readStep(n, p, defaults, id));
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
    Map<String, Object> with = readInputs(raw, actionName, m, node, path, false);
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
    Map<String, Object> with = readInputs(undo, actionName, m, node, path, false);
    StepDefaults own = options.read(m, path, defaults, undo.action);
    return new Compensation(actionName, with, own.retry(), own.timeout(), own.heartbeat(), null);
  }

  /**
   * Reads the action and {@code with} of a step, compensation or check (at {@code path}, the
   * mapping {@code m}) into {@code raw}, the fields checked against the action's inputs; returns
   * the fields' values. A check's action must give {@link DefinitionKeys#CHECK_OUTPUTS}.
   */
  Map<String, Object> readInputs(
      RawStep raw, String actionName, Map<String, Entry> m, Node node, String path, boolean check) {
    raw.action = actionName == null ? null : catalog.find(actionName).orElse(null);
    if (actionName != null && raw.action == null) {
      List<String> names = catalog.all().stream().map(ActionSpec::name).toList();
      nodes.error(m.get("action").value(), path + ".action",
          "unknown action '" + actionName + "'" + Suggestions.didYouMean(actionName, names));
    }
    if (check
        && raw.action != null
        && !DefinitionKeys.CHECK_OUTPUTS.stream().allMatch(f -> raw.action.output(f).isPresent())) {
      nodes.error(m.get("action").value(), path + ".action",
          "action '" + actionName + "' is not a check: its output must have 'passed' and 'detail'");
      raw.action = null;
    }
    String withPath = path + ".with";
    Entry with = m.get("with");
    Map<String, Entry> entries = with == null ? null : nodes.mapping(with.value(), withPath, null);
    entries = entries == null ? Map.of() : entries;
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      String at = withPath + "." + e.key();
      out.put(e.key(), nodes.plain(e.value(), at, (s, p) -> raw.strings.put(p, s)));
    }
    checkWith(raw.action, entries, out, with != null ? with.value() : node, withPath);
    return Collections.unmodifiableMap(out);
  }

  /** Every with key is an input of the action, every required input is present and fits. */
  private void checkWith(
      ActionSpec action, Map<String, Entry> with, Map<String, Object> read, Node at, String path) {
    if (action == null) {
      return;
    }
    List<String> fields = action.inputs().stream().map(FieldSpec::name).toList();
    for (Entry e : with.values()) {
      Optional<FieldSpec> field = action.input(e.key());
      String fieldPath = path + "." + e.key();
      if (field.isEmpty()) {
        nodes.error(e.keyNode(), fieldPath, "unknown field '" + e.key() + "' of action '"
            + action.name() + "'" + Suggestions.hint(e.key(), fields));
        continue;
      }
      checkFieldValue(action, field.get(), e.value(), read.get(e.key()), fieldPath);
    }
    for (FieldSpec f : action.inputs()) {
      if (f.required() && !with.containsKey(f.name())) {
        nodes.error(at, path,
            "missing required field '" + f.name() + "' of action '" + action.name() + "'");
      } else if (f.opposite() != null && with.containsKey(f.name())) {
        checkOpposite(action, f, with.get(f.name()).value(), read, path + "." + f.name());
      }
    }
  }

  /**
   * A list and its opposite that cannot both hold (an item in both, both empty) as written, or
   * with a variant's values: one error at the list, naming the variants that break it.
   */
  private void checkOpposite(
      ActionSpec action, FieldSpec field, Node node, Map<String, Object> read, String path) {
    String suffix = " (action '" + action.name() + "')";
    Optional<String> literal = ActionCatalog.oppositeProblem(field, read, Map.of());
    if (literal.isPresent()) {
      nodes.error(node, path, literal.get() + suffix);
      return;
    }
    Map<String, List<String>> variantsBy = new LinkedHashMap<>();
    variants.forEach((name, keys) -> ActionCatalog.oppositeProblem(field, read,
        Map.of("variant", keys)).ifPresent(
            p -> variantsBy.computeIfAbsent(p, k -> new ArrayList<>()).add(name)));
    variantsBy.forEach((problem, in) -> nodes.error(node, path, "variant"
        + (in.size() == 1 ? " '" : "s '") + String.join("', '", in) + "': " + problem + suffix));
  }

  private void checkFieldValue(
      ActionSpec action, FieldSpec field, Node node, Object value, String path) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && s.getValue().contains("$")) {
      try {
        if (Expressions.isSingleReference(s.getValue())) {
          return;
        }
        if (!Expressions.references(s.getValue()).isEmpty() && !field.type().equals("string")) {
          fieldError(action, field, node, path, "must be " + ValueTypes.article(field.type())
              + ", but text around '${...}' always makes a string");
          return;
        }
      } catch (ExpressionException e) {
        return; // Reported with its place by the reference check.
      }
    }
    if (node instanceof ScalarNode s && YamlNodes.isBadTag(s)) {
      return; // Reported by plain().
    }
    if (value == null) {
      if (field.required()) {
        fieldError(action, field, node, path, "must not be null");
      }
      return;
    }
    String problem = ValueTypes.problem(field.type(), value);
    if (problem != null) {
      fieldError(action, field, node, path,
          problem + (value instanceof Number && field.type().equals("string") ? "; quote it" : ""));
      return;
    }
    ActionCatalog.literalProblem(field, value)
        .ifPresent(p -> nodes.error(node, path, p + " (action '" + action.name() + "')"));
  }

  private void fieldError(ActionSpec action, FieldSpec field, Node node, String path, String what) {
    nodes.error(node, path,
        "field '" + field.name() + "' of action '" + action.name() + "' " + what);
  }
}
