package io.labflow.worker.render;

import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.Step;
import java.util.ArrayList;
import java.util.List;

/** Renders a definition as a Mermaid flowchart: steps in order, parallel groups, compensations. */
public final class MermaidGraph {

  private MermaidGraph() {}

  public static String render(Definition definition) {
    StringBuilder sb = new StringBuilder();
    sb.append("flowchart TD\n");
    sb.append("  start((start))\n");
    List<String> last = chain(sb, "start", definition.steps(), "");
    sb.append("  live((").append(definition.keepAlive() == null ? "done" : "live").append("))\n");
    for (String id : last) {
      sb.append("  ").append(id).append(" --> live\n");
    }
    List<Step> onChange = definition.onVariantChange();
    if (!onChange.isEmpty()) {
      sb.append("  subgraph onVariantChange [on variant change]\n");
      sb.append("    direction TB\n");
      sb.append("    switch((switch))\n");
      chain(sb, "switch", onChange, "vc_");
      sb.append("  end\n");
      sb.append("  live -.->|switch-variant| switch\n");
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
      for (ActionStep branch : branches) {
        sb.append(group ? "    " : "  ").append(declare(prefix, branch)).append('\n');
      }
      if (group) {
        sb.append("  end\n");
      }
      List<String> ends = new ArrayList<>();
      for (ActionStep branch : branches) {
        for (String p : previous) {
          sb.append("  ").append(p).append(" --> ").append(node(prefix, branch.id())).append('\n');
        }
        ends.add(node(prefix, branch.id()));
      }
      previous = ends;
    }
    return previous;
  }

  private static void compensations(StringBuilder sb, List<Step> steps, String prefix) {
    for (ActionStep leaf : Step.actions(steps)) {
      Compensation c = leaf.compensate();
      if (c != null) {
        String undo = node(prefix, leaf.id()) + "_undo";
        sb.append("  ").append(undo).append("[/\"undo: ").append(esc(c.action())).append("\"/]\n");
        sb.append("  ").append(node(prefix, leaf.id())).append(" -.->|compensate| ").append(undo).append('\n');
      }
    }
  }

  private static String declare(String prefix, ActionStep step) {
    return node(prefix, step.id()) + "[\"" + esc(step.id()) + "<br/><small>" + esc(step.action()) + "</small>\"]";
  }

  private static String node(String prefix, String id) {
    return prefix + id.replace('-', '_');
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("\"", "#quot;");
  }
}
