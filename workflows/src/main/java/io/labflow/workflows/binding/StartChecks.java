package io.labflow.workflows.binding;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.catalog.NameLimits;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.Task;
import io.labflow.workflows.yaml.Diagnostic;
import io.temporal.activity.Activity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the resolver checks of a bound lab before its first step, beyond the definition and the
 * parameters: the names its steps will give AWS, evaluated with the run's own values, and the
 * required inputs its parameters must fill.
 */
final class StartChecks {

  private StartChecks() {}

  /** Every derived name that breaks its limit; empty when all fit (or are not known yet). */
  static List<String> names(ActionCatalog catalog, String labId, ResolvedLab lab) {
    String runId = null;
    try {
      runId = Activity.getExecutionContext().getInfo().getRunId();
    } catch (IllegalStateException outsideAnActivity) {
      // Offline (tests, tools): names built from the run id are not checked.
    }
    Map<String, Object> scope =
        LabScope.of(lab.definition(), labId, runId, null, lab.variant(), lab.parameters(), Map.of());
    return NameLimits.check(lab.definition(), catalog, scope);
  }

  /**
   * Adds a problem for every required input of a step (tasks' solve and adopt steps included)
   * that is a whole {@code ${params.X}} whose parameter has no value in this run: refused before
   * anything is created rather than failing the step mid-way, after the steps before it ran.
   *
   * @return the names of those parameters
   */
  static Set<String> unsetInputs(ActionCatalog catalog, ResolvedLab lab, List<String> problems) {
    Definition d = lab.definition();
    List<Step> steps = new ArrayList<>(d.steps());
    steps.addAll(d.onVariantChange());
    for (Task t : d.tasks()) {
      steps.addAll(t.solve());
      steps.addAll(t.adopt());
    }
    Set<String> unset = new LinkedHashSet<>();
    for (ActionStep step : Step.actions(steps)) {
      for (FieldSpec field : catalog.find(step.action()).map(ActionSpec::inputs).orElse(List.of())) {
        String p = field.required() ? Expressions.parameterOf(step.with().get(field.name())) : null;
        if (p != null && lab.parameters().get(p) == null) {
          unset.add(p);
          problems.add(new Diagnostic("request", 0, 0, "parameters." + p, "missing required"
              + " parameter '" + p + "': step '" + step.id() + "' (" + step.action()
              + ") needs it for its " + field.name()).toString());
        }
      }
    }
    return unset;
  }
}
