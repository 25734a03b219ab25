package io.labflow.workflows.definition;

import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.model.Task;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the {@code tasks} of a step file: each task's title, instructions and points, its checks
 * (catalog actions whose output has {@code passed} and {@code detail}), and its {@code solve} and
 * {@code adopt} steps (read as any step).
 */
record TaskReader(YamlNodes nodes, StepReader steps) {

  /** A task as read: the task, and what the id and reference checks walk. */
  record RawTask(
      RawStep self, List<RawStep> checks, List<RawStep> solve, List<RawStep> adopt, Task task) {}

  private static final int MAX_POINTS = 1_000_000;

  /** The tasks of the list; empty (reported) when it is not a non-empty list. */
  List<RawTask> readTasks(Node node, StepDefaults defaults) {
    if (node instanceof SequenceNode seq && seq.getValue().isEmpty()) {
      nodes.error(node, "tasks", "tasks must hold at least one task (or leave tasks out)");
    }
    return nodes.list(
        node, "tasks", "tasks must be a list of tasks", (n, p) -> readTask(n, p, defaults));
  }

  private RawTask readTask(Node node, String path, StepDefaults defaults) {
    Map<String, Entry> m = nodes.mapping(node, path, DefinitionKeys.TASK);
    if (m == null) {
      return null;
    }
    RawStep self = RawStep.withId(nodes, m, node, path, "task id");
    String title = nodes.requiredString(m, "title", node, path);
    String instructions = nodes.optionalString(m, "instructions", path);
    texts(self, m, path, "title", "instructions");
    int points = points(m, node, path);
    List<Check> checks = null;
    List<RawStep> rawChecks = new ArrayList<>();
    Entry checksEntry = m.get("checks");
    if (checksEntry == null) {
      nodes.error(node, path, "missing required key 'checks': a task needs at least one check");
    } else if (checksEntry.value() instanceof SequenceNode seq && seq.getValue().isEmpty()) {
      nodes.error(seq, path + ".checks", "checks must hold at least one check");
    } else {
      checks = nodes.list(checksEntry.value(), path + ".checks", "checks must be a list of checks",
          (n, p) -> readCheck(n, p, rawChecks));
    }
    List<RawStep> solve = steps.readSteps(m, "solve", path, defaults);
    List<RawStep> adopt = steps.readSteps(m, "adopt", path, defaults);
    return new RawTask(self, rawChecks, solve, adopt, new Task(self.id, title, instructions,
        points, checks == null ? List.of() : checks, solve.stream().map(s -> s.step).toList(),
        adopt.stream().map(s -> s.step).toList(), node.getStartMark().getLine() + 1));
  }

  private Check readCheck(Node node, String path, List<RawStep> rawChecks) {
    Map<String, Entry> m = nodes.mapping(node, path, DefinitionKeys.CHECK);
    if (m == null) {
      return null;
    }
    RawStep raw = RawStep.withId(nodes, m, node, path, "check id");
    rawChecks.add(raw);
    String actionName = nodes.requiredString(m, "action", node, path);
    Map<String, Object> with = steps.readInputs(raw, actionName, m, node, path, true);
    String message = nodes.requiredString(m, "message", node, path);
    String hint = nodes.optionalString(m, "hint", path);
    texts(raw, m, path, "message", "hint");
    return new Check(raw.id, actionName, with, message, hint, node.getStartMark().getLine() + 1);
  }

  /** Text a person reads may hold {@code ${...}} too: checked as the strings of a with are. */
  private static void texts(RawStep raw, Map<String, Entry> m, String path, String... keys) {
    for (String key : keys) {
      if (m.containsKey(key) && m.get(key).value() instanceof ScalarNode s
          && s.getTag().equals(Tag.STR)) {
        raw.strings.put(path + "." + key, s);
      }
    }
  }

  private int points(Map<String, Entry> m, Node node, String path) {
    if (!nodes.requireKey(m, "points", node, path)) {
      return 0;
    }
    Integer n = nodes.wholeNumber(m.get("points").value(), path + ".points", MAX_POINTS,
        "points must be a positive whole number (at most " + MAX_POINTS + ")");
    return n == null ? 0 : n;
  }
}
