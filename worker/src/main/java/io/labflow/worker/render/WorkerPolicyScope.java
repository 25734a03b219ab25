package io.labflow.worker.render;

import static java.util.Objects.requireNonNullElse;

import io.labflow.activities.cloudformation.TemplateFacts;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.permissions.PolicyScope;
import io.labflow.activities.permissions.WorkerPolicy;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What one definition asks of the worker's policy, read from its steps without running them: the
 * step actions (steps, compensations, variant-change steps), the CloudFormation templates its
 * stacks are built from, and the literal prefixes of the names its steps give AWS ({@link
 * LabNeeds#names}): the buckets' apart.
 *
 * @param policyActions the step actions the worker's policy must cover: every action the
 *     definition's steps and compensations name, and the sweep; null for the whole step library
 * @param templateFiles the {@code templateFile} of every CreateStack step, filled in with the
 *     site's values and the parameters' defaults ({@link LabNeeds#templateFiles}); for the whole
 *     step library, every template in the definitions directory
 * @param namePrefix the common literal prefix of every role, policy, profile and stack name
 * @param bucketPrefix the literal prefix of every bucket name (parameters at their site values or
 *     defaults)
 * @param runTimeTemplates each CreateStack step whose {@code templateFile} is known only at run
 *     time (named by the lab id, a step's output or a parameter without a value), as written
 */
public record WorkerPolicyScope(
    Set<String> policyActions, List<String> templateFiles, Optional<String> namePrefix,
    Optional<String> bucketPrefix, Map<String, String> runTimeTemplates) {

  /** @param site the site's values, which the worker's runs bind before the defaults */
  public static WorkerPolicyScope of(Definition d, SiteParameters site) {
    Set<String> actions = new LinkedHashSet<>();
    List<String> templates = new ArrayList<>();
    Map<String, String> runTime = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    List<String> buckets = new ArrayList<>();
    ResolvedLab lab = LabNeeds.knownBeforeRun(d, "defaults",
        ParameterBinder.bind(d, null, null, site.merge(d, Map.of()).parameters(), "defaults"));
    Map<String, Object> defaults = lab.parameters();
    Map<ActionStep, String> files = LabNeeds.templateFiles(null, lab);
    // A learner task's steps run on the worker too (labflow test solves, adopts and checks).
    d.tasks().forEach(t -> t.checks().forEach(c -> actions.add(c.action())));
    for (ActionStep s : d.runnableSteps()) {
      actions.add(s.action());
      if (s.compensate() != null) {
        actions.add(s.compensate().action());
      }
      if (files.containsKey(s)) {
        templates.add(files.get(s));
      } else if (s.with().get("templateFile") instanceof String t) {
        runTime.put(s.id(), t);
      }
      for (LabNeeds.Name n : LabNeeds.names(s)) {
        if (!(n.value() instanceof String v)) {
          continue;
        }
        if (!n.what().equals(PolicyDocuments.S3_BUCKET)) {
          names.add(literalPrefix(v, defaults));
        } else if (!v.startsWith("${steps.")) {
          buckets.add(literalPrefix(v, defaults));
        }
      }
    }
    actions.add(WorkerPolicy.SWEEP);
    return new WorkerPolicyScope(actions, templates, common(names), common(buckets), runTime);
  }

  /** One sentence per stack whose template is known only at run time: what the policy lacks. */
  public List<String> lacks() {
    return runTimeTemplates.entrySet().stream().map(e -> "step '" + e.getKey() + "' templateFile '"
        + e.getValue() + "' is known only at run time, so this policy grants none of the actions"
        + " its stack's resources need (the whole library's, worker-policy without --definition,"
        + " covers every template in the definitions directory)").toList();
  }

  /**
   * The worker policy these needs make, its ARNs pinned to {@code account} and {@code region}:
   * names under {@code namePrefix}, else the definition's, else {@code labflow-}; buckets likewise.
   * The stacks' resource types are read from the templates in the definitions directory.
   *
   * @throws IllegalArgumentException naming a template that leaves the directory, cannot be read
   *     or is no YAML or JSON
   */
  public WorkerPolicy.Policy policy(Path definitionsDir, String account, String region,
      String namePrefix, String bucketPrefix) {
    Set<String> stackTypes = templateFiles.stream()
        .map(t -> TemplateFacts.read(definitionsDir, t))
        .flatMap(text -> WorkerPolicy.stackResourceTypes(text).stream())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    return new WorkerPolicy.Policy(policyActions, stackTypes,
        new PolicyScope.Names(account, region,
            requireNonNullElse(namePrefix, this.namePrefix.orElse(LabIds.NAME_PREFIX)),
            requireNonNullElse(bucketPrefix, this.bucketPrefix.orElse(LabIds.NAME_PREFIX))));
  }

  /** The text before the first expression, parameters replaced by their bound defaults. */
  static String literalPrefix(String value, Map<String, Object> defaults) {
    return Expressions.fill(value, UnaryOperator.identity(),
        r -> r.parameter() == null ? null : defaults.get(r.parameter()));
  }

  private static Optional<String> common(List<String> prefixes) {
    return prefixes.stream().reduce((c, p) -> {
      int n = Arrays.mismatch(c.toCharArray(), p.toCharArray());
      return n < 0 ? c : c.substring(0, n);
    }).filter(c -> !c.isEmpty());
  }
}
