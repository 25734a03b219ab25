package io.labflow.worker.quotas;

import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.AccountQuotas;
import io.labflow.activities.quotas.Quota;
import io.labflow.activities.quotas.QuotaFit;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import java.nio.file.Path;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The AWS account's quotas against what labs of a definition need ({@link LabNeeds}): refuses a
 * lab that does not fit (the preflight), chooses the labs of a fleet night that fit, and describes
 * both for {@code plan}, {@code fleet validate} and {@code doctor}.
 *
 * @param site the worker's site parameters, which a night's labs bind as their runs will
 */
public record QuotaPlanner(AwsClients clients, Path definitionsDir, SiteParameters site) {

  /**
   * Which labs of a night are left out, and why.
   *
   * @param leftOut the labs that do not fit, in fleet order
   * @param quotas the short quotas' codes and names; null when all fit
   * @param reason one sentence per short quota, naming it, its code and the numbers; null when all fit
   */
  public record NightPlan(List<String> leftOut, String quotas, String reason) {}

  public QuotaPlanner(AwsClients clients, Path definitionsDir) {
    this(clients, definitionsDir, SiteParameters.NONE);
  }

  /**
   * Whether {@code LABFLOW_QUOTAS=off} turns the quota check off in this process: for an emulator
   * that does not enforce quotas (the local stack without {@code LABFLOW_AWS_QUOTAS}, whose moto
   * still answers VPCs per Region 5); {@code check} (the default) everywhere else.
   */
  public static boolean off() {
    return "off".equalsIgnoreCase(AccountPolicy.setting("labflow.quotas", "LABFLOW_QUOTAS"));
  }

  /**
   * Refuses a lab that would exceed a quota, before anything is created.
   *
   * @param templates the run's stack templates by step, read with the run's parameters
   * @throws io.temporal.failure.ApplicationFailure {@code PreflightFailed}, naming the quota
   */
  public void checkLab(String labId, Definition definition, Map<ActionStep, String> templates) {
    QuotaFit fit = fit(Map.of(labId, LabNeeds.of(definition, s -> templates.getOrDefault(s, ""))),
        false);
    if (fit != null && !fit.leftOut().isEmpty()) {
      throw AwsPreflight.failed(fit.shortfalls().get(0).sentence("this lab", false));
    }
  }

  /**
   * The labs of a fleet night that do not fit, in order (the first that fit are kept), for the
   * definition of this name in the definitions directory; each lab's stack templates as its
   * variant and parameters name them ({@link LabNeeds#templateFiles}), as its run's preflight
   * will count them.
   */
  public NightPlan night(String fleet, String definitionName, List<FleetLab> labs,
      boolean allOrNone) {
    if (off()) {
      return new NightPlan(List.of(), null, null);
    }
    Definition definition = new DirectoryDefinitionSource(definitionsDir).find(definitionName)
        .map(f -> Composition.validate(f.fileName(), f.text()).definitionOrNull())
        .orElseThrow(() -> new IllegalArgumentException(
            "definition " + definitionName + " is missing or invalid"));
    QuotaFit fit = fit(needs(definition, definitionsDir, labs, site), allOrNone);
    if (fit == null || fit.leftOut().isEmpty()) {
      return new NightPlan(List.of(), null, null);
    }
    String subject = "the " + labs.size() + " labs of fleet " + fleet + " tonight";
    return new NightPlan(fit.leftOut(),
        fit.shortfalls().stream().map(s -> s.reading().quota().describe())
            .collect(Collectors.joining(", ")),
        fit.shortfalls().stream().map(s -> s.sentence(subject, true))
            .collect(Collectors.joining(". ")));
  }

  /** How the labs fit the account's quotas; null when none is checked (off, no need, no lab). */
  private QuotaFit fit(Map<String, Map<Quota, Integer>> needs, boolean allOrNone) {
    Set<Quota> quotas = quotas(needs);
    return off() || quotas.isEmpty() ? null
        : QuotaFit.of(needs, new AccountQuotas(clients).read(quotas), allOrNone);
  }

  /**
   * By lab, what each lab of a fleet needs, its stack templates as its variant and parameters name
   * them ({@link LabNeeds#templateFiles}), the site's values between the lab's and the
   * definition's defaults, as its run's preflight will count them: the night's, {@code fleet
   * validate}'s, {@code plan}'s and {@code doctor}'s (one lab each).
   */
  public static Map<String, Map<Quota, Integer>> needs(Definition definition, Path definitionsDir,
      List<FleetLab> labs, SiteParameters site) {
    Map<String, Map<Quota, Integer>> needs = new LinkedHashMap<>();
    for (FleetLab lab : labs) {
      Map<ActionStep, String> files = LabNeeds.templateFiles(lab.labId(),
          bound(definition, lab, site));
      needs.put(lab.labId(),
          LabNeeds.of(definition, s -> LabNeeds.template(definitionsDir, files.get(s))));
    }
    return needs;
  }

  /**
   * A lab of a fleet (or a command's) as its run will be bound, before it: the site's values
   * between the lab's and the definition's defaults; a parameter with none of them is left out.
   */
  public static ResolvedLab bound(Definition definition, FleetLab lab, SiteParameters site) {
    return LabNeeds.knownBeforeRun(definition, "fleet", ParameterBinder.bind(definition,
        lab.labId(), lab.variant(), site.merge(definition, lab.parameters()).parameters(),
        "request"));
  }

  /**
   * One sentence for each stack step of a lab whose template is known only at run time ({@link
   * LabNeeds#runTimeTemplates}: named by the lab id when there is none, {@code plan} without
   * {@code --lab-id} or {@code doctor}; by a parameter with no value; by a step's output): {@link
   * #needs} cannot count its stack.
   */
  public static List<String> notCounted(Definition definition, FleetLab lab, SiteParameters site) {
    return LabNeeds.runTimeTemplates(lab.labId(), bound(definition, lab, site)).entrySet()
        .stream().map(e -> "not counted: " + e.getValue() + ", so what its stack counts is known"
            + " only at run time" + (LabNeeds.namesUnknownLabId(
                e.getKey().with().get("templateFile"), lab.labId())
                ? " (plan with --lab-id to count it)" : "")).toList();
  }

  /**
   * One line per quota the labs count against: what one lab needs (the least and most when their
   * variants or parameters differ), and all of them.
   */
  public static List<String> needLines(Map<String, Map<Quota, Integer>> needs) {
    int labs = needs.size();
    return quotas(needs).stream().map(q -> {
      IntSummaryStatistics n = needs.values().stream()
          .mapToInt(need -> need.getOrDefault(q, 0)).summaryStatistics();
      String perLab = n.getMin() == n.getMax() ? String.valueOf(n.getMax())
          : n.getMin() + " to " + n.getMax();
      return q.describe() + ": " + perLab + " per lab"
          + (labs > 1 ? ", " + n.getSum() + " for " + labs + " labs" : "");
    }).toList();
  }

  /** Each quota the labs count against, against the account's quota and usage. */
  public List<QuotaFit.Shortfall> against(Map<String, Map<Quota, Integer>> needs) {
    return QuotaFit.of(needs, new AccountQuotas(clients).read(quotas(needs)), false).quotas();
  }

  private static Set<Quota> quotas(Map<String, Map<Quota, Integer>> needs) {
    return needs.values().stream().flatMap(n -> n.keySet().stream())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
