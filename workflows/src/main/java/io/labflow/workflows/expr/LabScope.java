package io.labflow.workflows.expr;

import io.labflow.workflows.model.Definition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one expression scope of a lab: {@code params}, {@code variant} (the chosen variant's values),
 * {@code lab} ({@code labId}, {@code runId}, {@code definition}, {@code variant}, {@code
 * startedAt}) and {@code steps} (outputs by step id). The interpreter, the start checks and the
 * offline plan all build it here, so a {@code ${...}} means the same thing in each.
 */
public final class LabScope {

  private LabScope() {}

  /**
   * The scope of a run.
   *
   * @param runId the run's id; null where none is known yet, and then {@code ${lab.runId}} does not
   *     resolve
   * @param startedAt the run's start, ISO-8601 ({@code 2026-12-05T02:40:00Z}); null where none is
   *     known yet, and then {@code ${lab.startedAt}} does not resolve
   * @param params the run's parameters; null for none
   */
  public static Map<String, Object> of(
      Definition definition,
      String labId,
      String runId,
      String startedAt,
      String variant,
      Map<String, Object> params,
      Map<String, Object> steps) {
    Map<String, Object> lab = new LinkedHashMap<>();
    lab.put("labId", labId);
    if (runId != null) {
      lab.put("runId", runId);
    }
    if (startedAt != null) {
      lab.put("startedAt", startedAt);
    }
    lab.put("definition", definition.name());
    lab.put("variant", variant);
    Map<String, Map<String, Object>> variants = definition.variants();
    Map<String, Object> variantValues =
        variant == null || variants == null ? Map.of() : variants.getOrDefault(variant, Map.of());
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("params", params == null ? Map.of() : params);
    scope.put("variant", variantValues);
    scope.put("lab", lab);
    scope.put("steps", steps);
    return scope;
  }
}
