package io.labflow.workflows.definition;

import io.labflow.workflows.definition.ReferenceRules.Site;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.YamlDocument;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks, once every step and task is read, that ids are unique and that every {@code ${...}} in a
 * {@code with} names something its step may see ({@link ReferenceRules}).
 */
record ReferenceChecks(YamlNodes nodes) {

  /** Checks the ids and references of a file's steps, tasks and checks. */
  void check(List<RawStep> steps, List<RawStep> onChange, List<TaskReader.RawTask> tasks,
      Map<String, ParameterDef> parameters, Map<String, Map<String, Object>> variants) {
    checkUniqueIds(steps, onChange, tasks);
    checkReferences(steps, onChange, tasks, new ReferenceRules(parameters, variants));
  }

  /** Step, task and check ids share one namespace: each may be written once. */
  private void checkUniqueIds(
      List<RawStep> steps, List<RawStep> onChange, List<TaskReader.RawTask> tasks) {
    List<RawStep> named = new ArrayList<>();
    for (TaskReader.RawTask t : tasks) {
      named.add(t.self);
      named.addAll(t.checks);
    }
    List<RawStep> all = everyStep(steps, onChange, tasks);
    all.addAll(named);
    all.sort(Comparator.comparingInt(s -> s.node.getStartMark().getIndex()));
    Map<String, Node> seen = new HashMap<>();
    for (RawStep s : all) {
      Node first = s.id == null ? null : seen.putIfAbsent(s.id, s.idNode);
      if (first != null) {
        nodes.error(s.idNode, s.path + ".id", "duplicate " + (named.contains(s) ? "id" : "step id")
            + " '" + s.id + "' (first defined at line " + (first.getStartMark().getLine() + 1)
            + ")");
      }
    }
  }

  /** Every step, branches after their group: steps, onVariantChange, each task's solve, adopt. */
  private static List<RawStep> everyStep(
      List<RawStep> steps, List<RawStep> onChange, List<TaskReader.RawTask> tasks) {
    List<List<RawStep>> lists = new ArrayList<>(List.of(steps, onChange));
    for (TaskReader.RawTask t : tasks) {
      lists.add(t.solve);
      lists.add(t.adopt);
    }
    List<RawStep> out = new ArrayList<>();
    for (List<RawStep> list : lists) {
      for (RawStep s : list) {
        out.add(s);
        out.addAll(s.branches);
      }
    }
    return out;
  }

  /**
   * Every reference names something its site may see: a step, earlier steps of its list; a task's
   * check, solve or adopt step, every step of {@code steps} and {@code onVariantChange} and the
   * earlier steps of its own list.
   */
  private void checkReferences(List<RawStep> steps, List<RawStep> onChange,
      List<TaskReader.RawTask> tasks, ReferenceRules rules) {
    for (RawStep s : everyStep(steps, onChange, tasks)) {
      if (s.id != null) {
        rules.all.add(s.id);
      }
    }
    walk(steps, rules);
    walk(onChange, rules);
    Map<String, RawStep> provisioned = new LinkedHashMap<>(rules.visible);
    for (TaskReader.RawTask t : tasks) {
      checkStepReferences(t.self, null, rules);
      for (RawStep check : t.checks) {
        checkStepReferences(check, null, rules);
      }
      for (List<RawStep> list : List.of(t.solve, t.adopt)) {
        walk(list, rules);
        rules.visible.clear();
        rules.visible.putAll(provisioned);
      }
    }
  }

  /** Checks a list's steps in order, each seeing the ones before it. */
  private void walk(List<RawStep> list, ReferenceRules rules) {
    for (RawStep s : list) {
      if (!s.parallel) {
        checkStepReferences(s, null, rules);
      }
      for (RawStep b : s.branches) {
        checkStepReferences(b, s, rules);
      }
      if (s.id != null && (s.parallel || !rules.visible.containsKey(s.id))) {
        rules.visible.put(s.id, s);
      }
      for (RawStep b : s.branches) {
        if (b.id != null) {
          rules.visible.putIfAbsent(b.id, b);
        }
      }
    }
  }

  private void checkStepReferences(RawStep step, RawStep group, ReferenceRules rules) {
    Site site = new Site(step, group, false);
    for (Entry e : step.with.values()) {
      checkNodeReferences(e.value(), step.withPath + "." + e.key(), site, rules);
    }
    for (Entry e : step.texts.values()) {
      checkNodeReferences(e.value(), step.path + "." + e.key(), site, rules);
    }
    Site undo = new Site(step, group, true);
    for (Entry e : step.undo == null ? List.<Entry>of() : step.undo.with.values()) {
      checkNodeReferences(e.value(), step.undo.withPath + "." + e.key(), undo, rules);
    }
  }

  private void checkNodeReferences(Node node, String path, Site site, ReferenceRules rules) {
    checkNodeReferences(
        node, path, site, rules, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private void checkNodeReferences(
      Node node, String path, Site site, ReferenceRules rules, int depth, Set<Node> ancestors) {
    if (depth > YamlDocument.MAX_NESTING || !ancestors.add(node)) {
      return; // Reported by plain().
    }
    try {
      if (node instanceof ScalarNode s) {
        if (s.getTag().equals(Tag.STR)) {
          checkString(s, path, site, rules);
        }
      } else if (node instanceof SequenceNode seq) {
        for (int i = 0; i < seq.getValue().size(); i++) {
          checkNodeReferences(
              seq.getValue().get(i), path + "[" + i + "]", site, rules, depth + 1, ancestors);
        }
      } else if (node instanceof MappingNode map) {
        for (NodeTuple t : map.getValue()) {
          String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
          checkNodeReferences(
              t.getValueNode(), path + "." + key, site, rules, depth + 1, ancestors);
        }
      }
    } finally {
      ancestors.remove(node);
    }
  }

  private void checkString(ScalarNode node, String path, Site site, ReferenceRules rules) {
    List<Reference> refs;
    try {
      refs = Expressions.references(node.getValue());
    } catch (ExpressionException e) {
      nodes.error(node, path, e.getMessage() + "; write '${root.name}', or '$$' for a literal '$'");
      return;
    }
    for (Reference ref : refs) {
      String problem = rules.problem(ref.path(), site);
      if (problem != null) {
        nodes.error(node, path, "'${" + ref.text() + "}': " + problem);
      }
    }
  }
}
