package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.NameLimits;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.activity.Activity;
import java.util.LinkedHashMap;
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
    Map<String, Object> labValues = new LinkedHashMap<>();
    labValues.put("labId", labId);
    try {
      labValues.put("runId", Activity.getExecutionContext().getInfo().getRunId());
    } catch (IllegalStateException outsideAnActivity) {
      // Offline (tests, tools): names built from the run id are not checked.
    }
    labValues.put("definition", lab.definition().name());
    labValues.put("variant", lab.variant());
    Map<String, Object> variantValues = new LinkedHashMap<>();
    Map<String, Map<String, Object>> variants = lab.definition().variants();
    if (lab.variant() != null && variants != null && variants.get(lab.variant()) != null) {
      variantValues.putAll(variants.get(lab.variant()));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("params", lab.parameters() == null ? Map.of() : lab.parameters());
    scope.put("variant", variantValues);
    scope.put("lab", labValues);
    scope.put("steps", Map.of());
    return NameLimits.check(lab.definition(), catalog, scope);
  }
}
