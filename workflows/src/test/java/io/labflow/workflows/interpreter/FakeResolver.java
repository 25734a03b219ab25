package io.labflow.workflows.interpreter;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test double of the definition loader: definitions are registered in Java, and resolving checks
 * only what the interpreter relies on (every action exists in the catalog, the variant exists).
 */
public final class FakeResolver implements DefinitionActivities {

  static final ActionCatalog CATALOG = ActionCatalog.fromActivityInterfaces(ResourceActivities.class);

  private final Map<String, Definition> definitions = new ConcurrentHashMap<>();

  public void reset() {
    definitions.clear();
  }

  public void register(Definition definition) {
    definitions.put(definition.name(), definition);
  }

  @Override
  public ResolvedLab resolve(LabRequest request) {
    Definition d = request.definition() == null ? null : definitions.get(request.definition());
    if (d == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          (request.definition() == null ? "definitionYaml" : request.definition() + ".yaml")
              + ":1:1: no such definition", "InvalidDefinition");
    }
    List<String> problems = new ArrayList<>();
    checkActions(d.steps(), problems);
    checkActions(d.onVariantChange(), problems);
    String variant = request.variant() != null ? request.variant() : d.defaultVariant();
    if (variant != null && (d.variants() == null || !d.variants().containsKey(variant))) {
      problems.add(d.name() + ".yaml:1:1: unknown variant '" + variant + "'");
    }
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(String.join("\n", problems), "InvalidRequest");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    if (d.parameters() != null) {
      d.parameters().forEach((k, p) -> params.put(k, p.defaultValue()));
    }
    if (request.parameters() != null) {
      params.putAll(request.parameters());
    }
    return new ResolvedLab(d, "test", variant, params);
  }

  private static void checkActions(List<Step> steps, List<String> problems) {
    for (ActionStep s : Step.actions(steps)) {
      if (CATALOG.find(s.action()).isEmpty()) {
        problems.add("step " + s.id() + ": unknown action " + s.action());
      }
      if (s.compensate() != null && CATALOG.find(s.compensate().action()).isEmpty()) {
        problems.add("step " + s.id() + ": unknown action " + s.compensate().action());
      }
    }
  }
}
