package io.labflow.worker.quotas;

import io.labflow.activities.cloudformation.TemplateFacts;
import io.labflow.activities.quotas.Quota;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldLimit;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.expr.Reference;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What one lab of a definition creates that counts against an AWS quota: the resources of its
 * steps' stack templates by type (the lab's template: one VPC, one internet gateway) and one
 * entity for each name a step creates, as its action's catalog entry declares it (a role, a
 * policy, an instance profile). A learner's tasks count by their {@code solve} steps: they do what
 * the learner will. The one place that computes a definition's need; the preflight, {@code plan},
 * {@code fleet validate} and a fleet night use it.
 */
public final class LabNeeds {

  /** The lab id of a plan before there is one: none, so a template it names is not read. */
  public static final String NO_LAB_ID = "<lab-id>";

  private LabNeeds() {}

  /**
   * Each stack step's {@code templateFile} (tasks' steps included) filled in with the run's lab id,
   * variant and parameters; one named from a step's output, or by the lab id when there is none
   * yet ({@link #namesUnknownLabId}), is known only at run time (absent).
   */
  public static Map<ActionStep, String> templateFiles(String labId, ResolvedLab lab) {
    Map<ActionStep, String> out = new HashMap<>();
    for (ActionStep s : lab.definition().runnableSteps()) {
      Object t = s.with().get("templateFile");
      if (!namesUnknownLabId(t, labId) && beforeRun(t, labId, lab) instanceof String file) {
        out.put(s, file);
      }
    }
    return out;
  }

  /**
   * Each stack step whose template is known only at run time ({@link #templateFiles} lacks it),
   * as the start of a sentence: its templateFile and what names it.
   */
  public static Map<ActionStep, String> runTimeTemplates(String labId, ResolvedLab lab) {
    Map<ActionStep, String> files = templateFiles(labId, lab);
    Map<ActionStep, String> out = new LinkedHashMap<>();
    for (ActionStep s : lab.definition().runnableSteps()) {
      if (s.with().get("templateFile") instanceof String t && !files.containsKey(s)) {
        out.put(s, "step '" + s.id() + "' templateFile '" + t + "' " + (namesUnknownLabId(t, labId)
            ? "names the lab id" : Expressions.references(t).stream().map(Reference::parameter)
                .filter(p -> p != null && lab.parameters().get(p) == null).findFirst()
                .map(p -> "names parameter " + p + ", which has no value")
                .orElse("names a step's output")));
      }
    }
    return out;
  }

  /**
   * A lab as a command sees it before its run: bound as {@code bound}, a parameter with no value
   * yet (a run may give one) left out, so a template it names is known only at run time.
   */
  public static ResolvedLab knownBeforeRun(Definition definition, String source,
      ParameterBinder.BindResult bound) {
    Map<String, Object> known = new HashMap<>(bound.parameters());
    known.values().removeIf(Objects::isNull);
    return new ResolvedLab(definition, source, bound.variant(), known);
  }

  /**
   * Whether a step's input names the lab id ({@code ${lab.labId}}) and there is none yet: null
   * ({@code labflow validate}) or no lab id at all ({@code plan}'s {@code <lab-id>}).
   */
  public static boolean namesUnknownLabId(Object input, String labId) {
    return !LabIds.isValid(labId) && input instanceof String s && Expressions.references(s)
        .stream().anyMatch(r -> r.path().equals(List.of("lab", "labId")));
  }

  /** A step's input before the run (lab id and parameters filled in); null when it has none. */
  public static Object beforeRun(Object input, String labId, ResolvedLab lab) {
    // Named from a step's output, it is known only at run time.
    return !(input instanceof String template) ? null
        : Expressions.evaluateIfKnown(template, LabScope.of(lab.definition(), labId, null, null,
            lab.variant(), lab.parameters(), Map.of())).orElse(null);
  }

  /**
   * By quota, how many one lab creates; quotas it does not touch are absent.
   *
   * @param templates a stack step's template text, empty when it has none or it is unknown
   */
  static Map<Quota, Integer> of(Definition definition, Function<ActionStep, String> templates) {
    List<Step> steps = new ArrayList<>(definition.steps());
    definition.tasks().stream().map(Task::solve).forEach(steps::addAll);
    Map<Quota, Integer> need = new EnumMap<>(Quota.class);
    // A name counts once, however many steps give it (one creates it, another is given it); a
    // step that gives no value counts for itself.
    Map<Quota, Set<Object>> named = new EnumMap<>(Quota.class);
    for (ActionStep s : Step.actions(steps)) {
      List<Name> names = names(s);
      String body = templates.apply(s);
      for (Quota q : Quota.values()) {
        names.stream().filter(x -> q.nameKinds.contains(x.what()))
            .forEach(x -> named.computeIfAbsent(q, k -> new HashSet<>())
                .add(x.value() == null ? new Object() : x.value()));
        int n = body.isEmpty() ? 0 : TemplateFacts.count(body, q.stackType);
        if (n > 0) {
          need.merge(q, n, Integer::sum);
        }
      }
    }
    named.forEach((q, n) -> need.merge(q, n.size(), Integer::sum));
    return need;
  }

  /**
   * A name a step gives AWS.
   *
   * @param what what it names, as the action's {@code @Limit} says ("IAM role name")
   * @param value the step's value for it, before the run; null when the step gives none
   */
  public record Name(String what, Object value) {}

  /**
   * The names a step gives AWS, as its action's catalog entry declares them: every input with a
   * limit that is no ARN and no number (a budget's limit is a range, not a name; a map's value at
   * the limit's key). The one reading of what a step creates, for the quotas, the plan and the
   * worker's policy.
   */
  public static List<Name> names(ActionStep s) {
    List<Name> out = new ArrayList<>();
    for (FieldSpec f : Composition.CATALOG.find(s.action()).map(ActionSpec::inputs)
        .orElse(List.of())) {
      FieldLimit l = f.limit();
      if (l != null && l.format() == null && !List.of("integer", "number").contains(f.type())) {
        Object v = s.with().get(f.name());
        out.add(new Name(l.what(), l.key() == null ? v : v instanceof Map<?, ?> m ? m.get(l.key())
            : null));
      }
    }
    return out;
  }

  /**
   * The text of a stack template a step names ({@link #templateFiles}); empty when there is none or
   * it cannot be read (a run's preflight refuses it, naming it: {@code AwsLabPreflight.templates}).
   */
  static String template(Path definitionsDir, String file) {
    if (file == null) {
      return "";
    }
    try {
      return TemplateFacts.read(definitionsDir, file);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
