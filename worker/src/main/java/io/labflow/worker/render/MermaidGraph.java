package io.labflow.worker.render;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.Step;
import java.util.List;

/** Renders a definition as a Mermaid flowchart: steps in order, parallel groups, compensations. */
public final class MermaidGraph {

  private MermaidGraph() {}

  public static String render(Definition definition) {
    StringBuilder sb = new StringBuilder("flowchart TD\n  start((start))\n");
    List<String> last = chain(sb, "start", definition.steps(), "");
    sb.append("  live((").append(definition.keepAlive() == null ? "done" : "live").append("))\n");
    last.forEach(id -> sb.append("  ").append(id).append(" --> live\n"));
    List<Step> onChange = definition.onVariantChange();
    if (!onChange.isEmpty()) {
      sb.append("  subgraph onVariantChange [on variant change]\n    direction TB\n"
          + "    switch((switch))\n");
      chain(sb, "switch", onChange, "vc_");
      sb.append("  end\n  live -.->|switch-variant| switch\n");
    }
    compensations(sb, definition.steps(), "");
    compensations(sb, onChange, "vc_");
    return sb.toString();
  }

  /** Appends the steps after {@code from}; returns the node ids the next step follows. */
  private static List<String> chain(StringBuilder sb, String from, List<Step> steps, String prefix) {
    List<String> previous = List.of(from);
    for (Step step : steps) {
      List<ActionStep> branches = Step.actions(List.of(step));
      boolean group = step instanceof ParallelGroup;
      if (group) {
        sb.append("  subgraph ").append(node(prefix, step.id())).append(" [\"parallel: ")
            .append(esc(step.id())).append("\"]\n");
      }
      for (ActionStep b : branches) {
        sb.append(group ? "    " : "  ").append(node(prefix, b.id())).append("[\"")
            .append(esc(b.id())).append("<br/><small>").append(esc(b.action()))
            .append("</small>\"]\n");
      }
      sb.append(group ? "  end\n" : "");
      List<String> ends = branches.stream().map(b -> node(prefix, b.id())).toList();
      for (String end : ends) {
        previous.forEach(p -> sb.append("  ").append(p).append(" --> ").append(end).append('\n'));
      }
      previous = ends;
    }
    return previous;
  }

  private static void compensations(StringBuilder sb, List<Step> steps, String prefix) {
    for (ActionStep leaf : Step.actions(steps)) {
      if (leaf.compensate() != null) {
        String undo = node(prefix, leaf.id()) + "_undo";
        sb.append("  ").append(undo).append("[/\"undo: ").append(esc(leaf.compensate().action()))
            .append("\"/]\n  ").append(node(prefix, leaf.id())).append(" -.->|compensate| ")
            .append(undo).append('\n');
      }
    }
  }

  private static String node(String prefix, String id) {
    return prefix + id.replace('-', '_');
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("\"", "#quot;");
  }
}
