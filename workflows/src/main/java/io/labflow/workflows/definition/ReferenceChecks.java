package io.labflow.workflows.definition;

import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Checks, once every step and task is read, that ids are unique and that every {@code ${...}} in a
 * {@code with} names something its step may see: parameters, variant keys, lab fields, outputs of
 * earlier steps.
 */
final class ReferenceChecks {

  private final YamlNodes nodes;
  private final Map<String, ParameterDef> parameters;
  private final Map<String, Map<String, Object>> variants;
  /** The steps a reference may see by id: the checks grow it as they walk the file. */
  private final Map<String, RawStep> visible = new LinkedHashMap<>();
  private final Set<String> all = new LinkedHashSet<>();
  /** The ids of onVariantChange's steps, which a task may not reference. */
  private final Set<String> switchOnly = new LinkedHashSet<>();

  ReferenceChecks(YamlNodes nodes, Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    this.nodes = nodes;
    this.parameters = parameters;
    this.variants = variants;
  }

  /**
   * Checks the ids and references of a file's steps, tasks and checks. Step, task and check ids
   * share one namespace: each may be written once.
   */
  void check(List<RawStep> steps, List<RawStep> onChange, List<TaskReader.RawTask> tasks) {
    List<List<RawStep>> lists = new ArrayList<>(List.of(steps, onChange));
    List<RawStep> named = new ArrayList<>();
    for (TaskReader.RawTask t : tasks) {
      lists.addAll(List.of(t.solve(), t.adopt()));
      named.add(t.self());
      named.addAll(t.checks());
    }
    List<RawStep> every = new ArrayList<>(lists.stream().flatMap(List::stream)
        .flatMap(s -> Stream.concat(Stream.of(s), s.branches.stream())).toList());
    every.stream().filter(s -> s.id != null).forEach(s -> all.add(s.id));
    every.addAll(named);
    every.sort(Comparator.comparingInt(s -> s.node.getStartMark().getIndex()));
    Map<String, Node> seen = new HashMap<>();
    for (RawStep s : every) {
      Node first = s.id == null ? null : seen.putIfAbsent(s.id, s.idNode);
      if (first != null) {
        nodes.error(s.idNode, s.path + ".id", "duplicate " + (named.contains(s) ? "id" : "step id")
            + " '" + s.id + "' (first defined at line " + (first.getStartMark().getLine() + 1)
            + ")");
      }
    }
    // Every reference names something its site may see: a step, earlier steps of its list; a
    // task's check, solve or adopt step, every step of steps and the earlier steps of its own list
    // (not onVariantChange's: they run only if the variant is switched).
    walk(steps);
    Map<String, RawStep> provisioned = new LinkedHashMap<>(visible);
    walk(onChange);
    switchOnly.addAll(visible.keySet());
    switchOnly.removeAll(provisioned.keySet());
    visible.keySet().retainAll(provisioned.keySet());
    for (TaskReader.RawTask t : tasks) {
      checkStepReferences(t.self(), null);
      for (RawStep check : t.checks()) {
        checkStepReferences(check, null);
      }
      for (List<RawStep> list : List.of(t.solve(), t.adopt())) {
        walk(list);
        visible.clear();
        visible.putAll(provisioned);
      }
    }
  }

  /** Checks a list's steps in order, each seeing the ones before it. */
  private void walk(List<RawStep> list) {
    for (RawStep s : list) {
      if (!s.parallel) {
        checkStepReferences(s, null);
      }
      for (RawStep b : s.branches) {
        checkStepReferences(b, s);
      }
      if (s.id != null && (s.parallel || !visible.containsKey(s.id))) {
        visible.put(s.id, s);
      }
      for (RawStep b : s.branches) {
        if (b.id != null) {
          visible.putIfAbsent(b.id, b);
        }
      }
    }
  }

  /** The references of a step (a branch of {@code group} when not null) and of its undo. */
  private void checkStepReferences(RawStep step, RawStep group) {
    step.strings.forEach((path, node) -> checkString(node, path, step, group, false));
    if (step.undo != null) {
      step.undo.strings.forEach((path, node) -> checkString(node, path, step, group, true));
    }
  }

  private void checkString(
      ScalarNode node, String path, RawStep step, RawStep group, boolean compensation) {
    List<Reference> refs;
    try {
      refs = Expressions.references(node.getValue());
    } catch (ExpressionException e) {
      nodes.error(node, path, e.getMessage() + "; write '${root.name}', or '$$' for a literal '$'");
      return;
    }
    for (Reference ref : refs) {
      String problem = problem(ref.path(), step, group, compensation);
      if (problem == null && Expressions.isSingleReference(node.getValue())) {
        problem = shapeProblem(ref.path(), path, compensation ? step.undo : step, step);
      }
      if (problem != null) {
        nodes.error(node, path, "'${" + ref.text() + "}': " + problem);
      }
    }
  }

  /**
   * Why a whole {@code ${params.X}}, {@code ${variant.K}} or {@code ${steps.ID.F}} cannot be its
   * field's value (written at {@code owner}, {@code step} or its undo): a list, a mapping or a
   * single value where the action reads another of the three, which the step's call could not read
   * at run time, after the steps before it ran; null when it can.
   */
  private String shapeProblem(List<String> parts, String path, RawStep owner, RawStep step) {
    int with = path.lastIndexOf(".with.");
    FieldSpec field = owner.action == null || with < 0 ? null
        : owner.action.input(path.substring(with + ".with.".length())).orElse(null);
    if (field == null) {
      return null;
    }
    String must = ", but field '" + field.name() + "' of action '" + owner.action.name()
        + "' must be " + ValueTypes.article(field.type());
    if (parts.get(0).equals("params")) {
      String type = parameters.get(parts.get(1)).type();
      return shape(type).equals(shape(field.type())) ? null
          : "parameter '" + parts.get(1) + "' is " + ValueTypes.article(type) + must;
    }
    if (parts.get(0).equals("steps")) {
      RawStep target = parts.get(1).equals(step.id) ? step : visible.get(parts.get(1));
      FieldSpec out = parts.size() != 3 || target == null || target.action == null ? null
          : target.action.output(parts.get(2)).orElse(null);
      return out == null || shape(out.type()).equals(shape(field.type())) ? null
          : "output '" + out.name() + "' of step '" + target.id + "' (action '"
              + target.action.name() + "') is " + ValueTypes.article(out.type()) + must;
    }
    for (Map.Entry<String, Map<String, Object>> v : variants.entrySet()) {
      Object value = parts.get(0).equals("variant") && parts.size() == 2
          ? v.getValue().get(parts.get(1)) : null;
      String type = value instanceof List ? "list" : value instanceof Map ? "map" : "string";
      if (value != null && !shape(type).equals(shape(field.type()))) {
        return "variant '" + v.getKey() + "' gives " + ValueTypes.describe(value) + must;
      }
    }
    return null;
  }

  /** A type's shape: a list, a mapping (a map or an object) or a single value. */
  private static String shape(String type) {
    return type.equals("object") ? "map"
        : type.equals("list") || type.equals("map") ? type : "value";
  }

  /** Why a reference with these parts, written at a step or its undo, is wrong; null if right. */
  private String problem(List<String> parts, RawStep step, RawStep group, boolean compensation) {
    String root = parts.get(0);
    String name = parts.size() > 1 ? parts.get(1) : "";
    return switch (root) {
      case "params" -> parts.size() != 2 ? "write '${params.NAME}' with exactly one name"
          : parameters.containsKey(name) ? null
          : "unknown parameter '" + name + "'" + (parameters.isEmpty()
              ? "; the definition declares no parameters"
              : Suggestions.hint(name, parameters.keySet()));
      case "variant" -> parts.size() < 2 ? "write '${variant.KEY}'" : variantProblem(name);
      case "lab" -> parts.size() == 2 && DefinitionKeys.LAB_FIELDS.contains(name) ? null
          : "unknown lab field '" + name + "'" + Suggestions.hint(name, DefinitionKeys.LAB_FIELDS);
      case "steps" -> stepProblem(parts, step, group, compensation);
      default -> "unknown root '" + root + "'" + Suggestions.hint(root, Expressions.ROOTS);
    };
  }

  /** Why {@code ${variant.KEY}} is wrong: no variants, or some without the key; null if right. */
  private String variantProblem(String key) {
    if (variants.isEmpty()) {
      return "variant key '" + key + "' is used, but no variants are declared";
    }
    List<String> missing = variants.entrySet().stream()
        .filter(v -> !v.getValue().containsKey(key)).map(Map.Entry::getKey).toList();
    if (missing.size() == variants.size()) {
      Set<String> allKeys = new LinkedHashSet<>();
      variants.values().forEach(v -> allKeys.addAll(v.keySet()));
      return "unknown variant key '" + key + "'" + Suggestions.hint(key, allKeys);
    }
    return missing.isEmpty() ? null : "variant key '" + key + "' is missing from variant"
        + (missing.size() == 1 ? " '" : "s '") + String.join("', '", missing) + "'"
        + "; every variant must define it";
  }

  private String stepProblem(
      List<String> parts, RawStep step, RawStep group, boolean compensation) {
    if (parts.size() < 3) {
      return "write '${steps.ID.FIELD}'";
    }
    String id = parts.get(1);
    String field = parts.get(2);
    RawStep target;
    if (id.equals(step.id)) {
      if (!compensation) {
        return "step '" + id + "' cannot reference its own outputs (only its compensate can)";
      }
      target = step;
    } else if (group != null && group.branches.stream().anyMatch(b -> id.equals(b.id))) {
      return "step '" + id + "' runs in parallel with this step in group '" + group.id
          + "', so its outputs are not available";
    } else if (group != null && id.equals(group.id)) {
      return "step '" + id + "' is the parallel group this step belongs to";
    } else if (visible.containsKey(id)) {
      target = visible.get(id);
    } else if (switchOnly.contains(id)) {
      return "step '" + id + "' runs only when the variant is switched (onVariantChange), which"
          + " may never happen, so a task cannot use its outputs";
    } else if (all.contains(id)) {
      return "step '" + id + "' is defined later; a step can only reference earlier steps";
    } else {
      return "unknown step '" + id + "'" + Suggestions.hint(id, visible.keySet());
    }
    if (target.parallel) {
      return "step '" + id
          + "' is a parallel group and has no outputs; reference one of its branches";
    }
    if (target.action == null) {
      return null; // Its unknown action is reported already.
    }
    if (target.action.output(field).isEmpty()) {
      List<String> outputs = target.action.outputs().stream().map(f -> f.name()).toList();
      return "step '" + id + "' (action '" + target.action.name() + "') has no output '" + field
          + "'" + (outputs.isEmpty()
              ? "; the action has no outputs"
              : Suggestions.hint(field, outputs));
    }
    return null;
  }
}
