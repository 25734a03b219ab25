package io.labflow.workflows.binding;

import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves lab requests: checks the lab id, loads and validates the definition (inline or by name)
 * and binds the variant and parameters. Every problem fails the activity at once, without retries,
 * so a bad request never creates anything. The site's parameter values come between the run's and
 * the definition's. Before the preflight, the bound lab is checked beyond its definition and
 * parameters: the names its steps will give AWS, evaluated with the run's own values, and the
 * required inputs its parameters must fill.
 */
public record DefinitionActivitiesImpl(
    DefinitionSource source, DefinitionLoader loader, Preflight preflight, SiteParameters site)
    implements DefinitionActivities {

  @Override
  public ResolvedLab resolve(LabRequest request) {
    String labId = request.labId();
    // The lab id first: a bad one is the whole answer, whatever else the request holds.
    ParameterBinder.labIdProblem(labId, "request").ifPresent(d -> {
      throw invalidRequest(d.toString());
    });
    DefinitionSource.SourceFile file = sourceOf(request);
    LoadResult loaded = loader.load(file.fileName(), file.text());
    if (!loaded.ok()) {
      throw ApplicationFailure.newNonRetryableFailure(
          loaded.errorText(), FailureTypes.INVALID_DEFINITION);
    }
    Definition definition = loaded.definitionOrNull();
    if (request.definitionYaml() == null && !definition.name().equals(request.definition())) {
      throw ApplicationFailure.newNonRetryableFailure(
          file.fileName() + ": name: the file declares name '" + definition.name()
              + "', but definition '" + request.definition() + "' was requested",
          FailureTypes.INVALID_DEFINITION);
    }
    SiteParameters.Merged merged = site.merge(definition, request.parameters());
    ParameterBinder.BindResult bound =
        ParameterBinder.bind(definition, null, request.variant(), merged.parameters(), "request");
    if (!bound.ok()) {
      throw invalidRequest(
          bound.errors().stream().map(merged::relabel).map(Diagnostic::toString).toList(),
          bound.missing());
    }
    ResolvedLab resolved =
        new ResolvedLab(definition, file.fileName(), bound.variant(), bound.parameters());
    List<String> problems = new ArrayList<>();
    Set<String> unset = unsetInputs(resolved, problems);
    Map<String, Object> scope = LabScope.of(
        definition, labId, runId(), null, bound.variant(), bound.parameters(), Map.of());
    for (String problem : loader.catalog().inputProblems(definition, scope)) {
      problems.add("request: " + problem);
    }
    if (!problems.isEmpty()) {
      throw invalidRequest(problems, unset);
    }
    preflight.check(labId, resolved);
    return resolved;
  }

  /** The run's id; null offline (tests, tools), where names built from it are not checked. */
  private static String runId() {
    try {
      return Activity.getExecutionContext().getInfo().getRunId();
    } catch (IllegalStateException outsideAnActivity) {
      return null;
    }
  }

  /**
   * Adds a problem for every required input of a step or its undo (tasks' solve and adopt steps
   * included) that is a whole {@code ${params.X}} whose parameter has no value in this run:
   * refused before anything is created rather than failing the step mid-way, after the steps
   * before it ran, or its undo, leaving what the step created.
   *
   * @return the names of those parameters
   */
  private Set<String> unsetInputs(ResolvedLab lab, List<String> problems) {
    Set<String> unset = new LinkedHashSet<>();
    for (ActionStep step : lab.definition().runnableSteps()) {
      unsetInputs(lab, "step '" + step.id() + "'", step.action(), step.with(), unset, problems);
      if (step.compensate() != null) {
        unsetInputs(lab, "the undo of step '" + step.id() + "'", step.compensate().action(),
            step.compensate().with(), unset, problems);
      }
    }
    return unset;
  }

  private void unsetInputs(ResolvedLab lab, String who, String action, Map<String, Object> with,
      Set<String> unset, List<String> problems) {
    for (FieldSpec field :
        loader.catalog().find(action).map(ActionSpec::inputs).orElse(List.of())) {
      String p = field.required() ? Expressions.parameterOf(with.get(field.name())) : null;
      if (p != null && lab.parameters().get(p) == null) {
        unset.add(p);
        problems.add(new Diagnostic("request", 0, 0, "parameters." + p, "missing required"
            + " parameter '" + p + "': " + who + " (" + action + ") needs it for its "
            + field.name()).toString());
      }
    }
  }

  /** The step file a request names, or its inline YAML as {@code inline:LABEL}. */
  private DefinitionSource.SourceFile sourceOf(LabRequest request) {
    String name = request.definition();
    if (request.definitionYaml() != null) {
      String label = name == null || name.isBlank() ? "definition" : name;
      return new DefinitionSource.SourceFile("inline:" + label, request.definitionYaml());
    }
    if (name == null || name.isBlank()) {
      throw invalidRequest(
          "request: definition: name a definition, or send its YAML as definitionYaml");
    }
    if (!DefinitionKeys.ID.matcher(name).matches()) {
      throw invalidRequest(
          "request: definition: definition name '" + name + "' must be " + DefinitionKeys.ID_RULE);
    }
    return source.find(name).orElseThrow(
        () -> invalidRequest("request: definition: no definition named '" + name + "' was found"));
  }

  /**
   * An {@code InvalidRequest} failure whose details are the names of the parameters a run must
   * give (required, without a value here): a caller that may not set them (doctor) tells such a
   * request from a wrong one by them, not by the message's words.
   */
  private static ApplicationFailure invalidRequest(
      List<String> messages, Collection<String> missing) {
    return ApplicationFailure.newNonRetryableFailure(
        String.join("\n", messages), FailureTypes.INVALID_REQUEST, missing.toArray());
  }

  private static ApplicationFailure invalidRequest(String message) {
    return invalidRequest(List.of(message), List.of());
  }
}
