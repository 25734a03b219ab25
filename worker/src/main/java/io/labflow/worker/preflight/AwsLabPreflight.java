package io.labflow.worker.preflight;

import io.labflow.activities.cloudformation.TemplateFacts;
import io.labflow.activities.iam.S3Actions;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.Definition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The step library's {@link AwsPreflight} as the engine's {@link Preflight}: reads from the resolved
 * lab which verification methods its verifying steps will use (and from which parameter), the
 * principals it names (its {@code format: arn} parameters, and what the roles its steps create
 * trust), and the instance types its stacks launch; then that the lab fits the account's quotas
 * ({@link QuotaPlanner}). A step's kind is what its action takes, as the catalog declares it.
 */
public final class AwsLabPreflight implements Preflight {

  /** The inputs a role's trust policy is built from: a step taking them creates a trusted role. */
  public static final String[] TRUST = {"servicePrincipal", "trustedPrincipalArn"};

  private final AwsPreflight aws;
  private final QuotaPlanner quotas;
  private final Path definitionsDir;

  /** @param definitionsDir where stack steps' templates are, to find their instance types */
  public AwsLabPreflight(Composition.AwsAccess access, Path definitionsDir) {
    this.aws = new AwsPreflight(access.clients(), access.guard());
    this.quotas = new QuotaPlanner(access.clients(), definitionsDir);
    this.definitionsDir = definitionsDir.toAbsolutePath().normalize();
  }

  @Override
  public void check(String labId, ResolvedLab lab) {
    check(labId, lab, labId);
  }

  /**
   * As a run's preflight, its stack templates named by {@code named}'s lab id.
   *
   * @param named {@link LabNeeds#NO_LAB_ID} for a lab that is never started ({@code doctor}'s):
   *     a template the lab id names is known only at run time, not read
   */
  public void check(String labId, ResolvedLab lab, String named) {
    List<String> problems = new ArrayList<>();
    Map<ActionStep, String> templates = templates(definitionsDir, named, lab, problems);
    problems.addAll(s3ActionProblems(lab));
    if (!problems.isEmpty()) {
      throw AwsPreflight.failed(String.join("\n", problems));
    }
    aws.check(labId, verifications(labId, lab), settings(lab, templates));
    quotas.checkLab(labId, lab.definition(), templates);
  }

  /**
   * The text of each stack step's template, its {@code templateFile} filled in with the run's
   * values ({@link LabNeeds#templateFiles}): the preflight's and {@code labflow validate}'s.
   *
   * @param labId the run's lab id; null for {@code labflow validate}, which then reads no
   *     templateFile naming {@code ${lab.labId}}: it is known only at run time
   * @param problems gets one sentence, naming the file, the step and its templateFile, for each
   *     that leaves the definitions directory, cannot be read or is no YAML or JSON: refused
   *     before the first step, not by the stack step after earlier steps created things
   */
  public static Map<ActionStep, String> templates(Path definitionsDir, String labId,
      ResolvedLab lab, List<String> problems) {
    Map<ActionStep, String> out = new HashMap<>();
    LabNeeds.templateFiles(labId, lab).forEach((s, file) -> {
      try {
        out.put(s, TemplateFacts.read(definitionsDir, file));
        Object given = s.with().getOrDefault("parameters", Map.of());
        String why = given instanceof Map<?, ?> m
            ? TemplateFacts.parameterMismatch(out.get(s), m.keySet()) : null;
        if (why != null) {
          problems.add(lab.source() + ": step '" + s.id() + "' with.parameters: templateFile '"
              + file + "' " + why);
        }
      } catch (IllegalArgumentException e) {
        problems.add(lab.source() + ": step '" + s.id() + "' with.templateFile: " + e.getMessage());
      }
    });
    return out;
  }

  /**
   * Every S3 action a step would put in a policy ({@code actions} beside a {@code bucketName}) or
   * verify ({@code allow}, {@code deny}) that a policy scoped to the lab's bucket cannot allow
   * ({@link S3Actions}: a typo, an action on no bucket) or, for a verification by probe, that the
   * probe cannot check, one sentence each naming the step, the
   * field and, when the value is a variant's, the variants: every variant, since a switch runs
   * the steps with another. The tasks' checks and solve steps too. Refused before the first step,
   * not by CreatePolicy after the stack, nor as a verification's mismatch.
   */
  public static List<String> s3ActionProblems(ResolvedLab lab) {
    Definition d = lab.definition();
    List<Check> steps = new ArrayList<>(d.runnableSteps().stream()
        .map(s -> new Check(s.id(), s.action(), s.with(), null, null, s.line())).toList());
    d.tasks().forEach(t -> steps.addAll(t.checks()));
    Map<String, List<String>> variantsBy = new LinkedHashMap<>();
    List<String> variants = d.variants() == null || d.variants().isEmpty()
        ? Collections.singletonList(lab.variant()) : List.copyOf(d.variants().keySet());
    for (Check s : steps) {
      // A policy's actions, a verification's lists, as the catalog declares them.
      for (String field : takes(s.action(), "actions", "bucketName") ? List.of("actions")
          : takes(s.action(), "allow", "deny") ? List.of("allow", "deny") : List.<String>of()) {
        Object value = s.with().get(field);
        String at = lab.source() + ":" + s.line() + ": step '" + s.id() + "' (" + s.action()
            + ") with." + field + (String.valueOf(value).contains("${variant.")
                ? " of variant %s: " : ": ");
        for (String variant : variants) {
          Map<String, Object> scope =
              LabScope.of(d, "", null, null, variant, lab.parameters(), Map.of());
          boolean probe = takes(s.action(), "method") && Expressions.evaluateIfKnown(
              s.with().get("method"), scope).equals(Optional.of("probe"));
          for (Object action : Expressions.evaluateIfKnown(value, scope).orElse(null)
              instanceof List<?> l ? l : List.of()) {
            String a = String.valueOf(action);
            S3Actions.problem(a).or(() -> probe ? AccessVerificationActivitiesImpl.probeProblem(a)
                : Optional.empty()).ifPresent(p -> variantsBy.computeIfAbsent(
                    at + p, k -> new ArrayList<>()).add(variant));
          }
        }
      }
    }
    return variantsBy.entrySet().stream().map(e -> e.getKey().replace("variant %s",
        (e.getValue().size() == 1 ? "variant '" : "variants '") + String.join("', '", e.getValue())
            + "'")).toList();
  }

  /**
   * The instance types of the lab's stacks (from their templates' {@code InstanceType} and the
   * step's stack parameters), the principals it names, and how its roles are named.
   */
  AwsPreflight.LabSettings settings(ResolvedLab lab, Map<ActionStep, String> templates) {
    List<AwsPreflight.Setting> types = new ArrayList<>();
    Map<String, AwsPreflight.Setting> principals = new LinkedHashMap<>();
    lab.definition().parameters().forEach((name, def) -> {
      if (def.isArn() && lab.parameters().get(name) instanceof String arn) {
        principals.put(name, new AwsPreflight.Setting(arn, name,
            def.accounts() == null ? List.of() : def.accounts()));
      }
    });
    List<Pattern> roleNames = new ArrayList<>();
    for (ActionStep s : lab.definition().actionSteps()) {
      Map<?, ?> stackParams = s.with().get("parameters") instanceof Map<?, ?> m ? m : Map.of();
      for (TemplateFacts.Value v : TemplateFacts.instanceTypes(templates.getOrDefault(s, ""))) {
        Object given = v.parameter() == null ? v.literal() : stackParams.get(v.parameter());
        setting(given, lab, "steps." + s.id() + ".with.parameters." + v.parameter())
            .ifPresent(types::add);
      }
      if (takes(s.action(), TRUST)) {
        setting(s.with().get("trustedPrincipalArn"), lab,
            "steps." + s.id() + ".with.trustedPrincipalArn")
            .ifPresent(p -> principals.putIfAbsent(p.source(), p));
        if (s.with().get("roleName") instanceof String name && name.contains("${lab.labId}")) {
          // labflow-${lab.labId}-role is labflow-.+-role
          roleNames.add(Pattern.compile(Expressions.fill(name, Pattern::quote, r -> ".+")));
        }
      }
    }
    return new AwsPreflight.LabSettings(types, List.copyOf(principals.values()), roleNames);
  }

  /**
   * A value a step sets: a whole {@code ${params.X}} is parameter X's value, named by X; another
   * expression is not known before the run (not checked); a literal is named by where it is set.
   */
  private static Optional<AwsPreflight.Setting> setting(
      Object value, ResolvedLab lab, String where) {
    String p = Expressions.parameterOf(value);
    Object v = bound(value, lab);
    if (!(v instanceof String s) || s.isBlank() || (p == null && s.contains("${"))) {
      return Optional.empty();
    }
    return Optional.of(new AwsPreflight.Setting(s, p != null ? p : where, null));
  }

  /** A step's input before the run: a whole {@code ${params.X}} is X's bound value. */
  private static Object bound(Object input, ResolvedLab lab) {
    String p = Expressions.parameterOf(input);
    return p == null ? input : lab.parameters().get(p);
  }

  /** Whether the action takes all these inputs, as the catalog declares it. */
  private static boolean takes(String action, String... inputs) {
    return Composition.CATALOG.takes(action, inputs);
  }

  /** The verifications the lab's steps will run (the steps that take a {@code method}). */
  public static List<AwsPreflight.Verification> verifications(String labId, ResolvedLab lab) {
    List<Object> trust = lab.definition().actionSteps().stream()
        .filter(s -> takes(s.action(), TRUST)).map(s -> s.with().get("trustedPrincipalArn"))
        .toList();
    boolean trusted = trust.stream().anyMatch(t -> bound(t, lab) instanceof String v && !v.isBlank());
    String trustedParameter = trust.stream().map(Expressions::parameterOf)
        .filter(Objects::nonNull).reduce((first, last) -> last).orElse(null);
    return lab.definition().actionSteps().stream()
        .filter(s -> takes(s.action(), "method")).map(s -> {
      Object m = s.with().get("method");
      return new AwsPreflight.Verification(
          bound(m, lab) instanceof String v && !v.isBlank() ? v : "simulate",
          Expressions.parameterOf(m), trusted, trustedParameter, roleName(s, labId, lab));
    }).distinct().toList();
  }

  /** The step's {@code roleName} before the run (lab id and parameters filled in), or null. */
  private static String roleName(ActionStep s, String labId, ResolvedLab lab) {
    return LabNeeds.beforeRun(s.with().get("roleName"), labId, lab) instanceof String n
        && !n.isBlank() ? n : null;
  }
}
