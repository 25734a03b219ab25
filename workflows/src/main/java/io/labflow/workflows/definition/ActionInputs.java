package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.catalog.NameLimits;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The action of a step or compensation and its {@code with} fields: the action looked up in the
 * catalog, the fields read, and checked against the action's inputs.
 */
record ActionInputs(YamlNodes nodes, ActionCatalog catalog) {

  /**
   * Reads the action and {@code with} of a step, compensation or check (at {@code path}, the
   * mapping {@code m}) into {@code raw}, the fields checked against the action's inputs; returns
   * the fields' values. A check's action must give {@link DefinitionKeys#CHECK_OUTPUTS}.
   */
  Map<String, Object> read(
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
      }
    }
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
    NameLimits.literalProblem(field, value)
        .ifPresent(p -> nodes.error(node, path, p + " (action '" + action.name() + "')"));
  }

  private void fieldError(ActionSpec action, FieldSpec field, Node node, String path, String what) {
    nodes.error(node, path, "field '" + field.name() + "' of action '" + action.name() + "' " + what);
  }
}
