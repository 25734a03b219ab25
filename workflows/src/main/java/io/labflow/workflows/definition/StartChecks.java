package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.NameLimits;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.activity.Activity;
import java.util.List;
import java.util.Map;

/**
 * What the resolver checks of a bound lab before its first step, beyond the definition and the
 * parameters: the names its steps will give AWS, evaluated with the run's own values.
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
        LabScope.of(lab.definition(), labId, runId, lab.variant(), lab.parameters(), Map.of());
    return NameLimits.check(lab.definition(), catalog, scope);
  }
}
