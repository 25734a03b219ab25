package io.labflow.workflows.definition;

import io.labflow.workflows.definition.ReferenceRules.Scope;
import io.labflow.workflows.definition.ReferenceRules.Site;
import io.labflow.workflows.definition.YamlNodes.Entry;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.model.ParameterDef;
import java.util.ArrayList;
import java.util.Collections;
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
 * Checks, once every step is read, that step ids are unique and that every {@code ${...}} in a
 * {@code with} names something its step may see ({@link ReferenceRules}).
 */
final class ReferenceChecks {

  private final YamlNodes nodes;

  ReferenceChecks(YamlNodes nodes) {
    this.nodes = nodes;
  }

  void checkUniqueIds(List<RawStep> steps, List<RawStep> onChange) {
    Map<String, Node> seen = new LinkedHashMap<>();
    List<RawStep> all = new ArrayList<>();
    for (RawStep s : steps) {
      all.add(s);
      all.addAll(s.branches);
    }
    for (RawStep s : onChange) {
      all.add(s);
      all.addAll(s.branches);
    }
    for (RawStep s : all) {
      if (s.id == null) {
        continue;
      }
      Node first = seen.putIfAbsent(s.id, s.idNode);
      if (first != null) {
        nodes.error(
            s.idNode,
            s.path + ".id",
            "duplicate step id '"
                + s.id
                + "' (first defined at line "
                + (first.getStartMark().getLine() + 1)
                + ")");
      }
    }
  }

  void checkReferences(
      List<RawStep> steps,
      List<RawStep> onChange,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    ReferenceRules rules = new ReferenceRules(parameters, variants);
    Scope scope = rules.scope();
    for (RawStep s : steps) {
      collectIds(s, scope.all);
    }
    for (RawStep s : onChange) {
      collectIds(s, scope.all);
    }
    for (List<RawStep> list : List.of(steps, onChange)) {
      for (RawStep s : list) {
        if (s.parallel) {
          for (RawStep b : s.branches) {
            checkStepReferences(b, s, rules);
          }
          if (s.id != null) {
            scope.visible.put(s.id, s);
          }
          for (RawStep b : s.branches) {
            if (b.id != null) {
              scope.visible.putIfAbsent(b.id, b);
            }
          }
        } else {
          checkStepReferences(s, null, rules);
          if (s.id != null) {
            scope.visible.putIfAbsent(s.id, s);
          }
        }
      }
    }
  }

  private static void collectIds(RawStep s, Set<String> ids) {
    if (s.id != null) {
      ids.add(s.id);
    }
    for (RawStep b : s.branches) {
      collectIds(b, ids);
    }
  }

  private void checkStepReferences(RawStep step, RawStep group, ReferenceRules rules) {
    Site site = new Site(step, group, false);
    for (Entry e : step.with.values()) {
      checkNodeReferences(e.value(), step.withPath + "." + e.key(), site, rules);
    }
    Site undo = new Site(step, group, true);
    for (Entry e : step.compensateWith.values()) {
      checkNodeReferences(e.value(), step.compensatePath + "." + e.key(), undo, rules);
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
