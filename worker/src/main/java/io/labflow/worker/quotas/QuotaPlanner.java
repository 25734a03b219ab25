package io.labflow.worker.quotas;

import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.AccountQuotas;
import io.labflow.activities.quotas.Quota;
import io.labflow.activities.quotas.QuotaFit;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The AWS account's quotas against what labs of a definition need ({@link LabNeeds}): refuses a
 * lab that does not fit (the preflight), chooses the labs of a fleet night that fit, and describes
 * both for {@code plan}, {@code fleet validate} and {@code doctor}.
 */
public final class QuotaPlanner {

  /**
   * Which labs of a night are left out, and why.
   *
   * @param leftOut the labs that do not fit, in fleet order
   * @param quotas the short quotas' codes and names; null when all fit
   * @param reason one sentence per short quota, naming it, its code and the numbers; null when all fit
   */
  public record NightPlan(List<String> leftOut, String quotas, String reason) {}

  private final AccountQuotas account;
  private final Path definitionsDir;

  public QuotaPlanner(AwsClients clients, Path definitionsDir) {
    this.account = new AccountQuotas(clients);
    this.definitionsDir = definitionsDir;
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
    QuotaFit fit = fit(LabNeeds.of(definition, s -> templates.getOrDefault(s, "")),
        List.of(labId), false);
    if (fit != null && !fit.leftOut().isEmpty()) {
      throw AwsPreflight.failed(fit.shortfalls().get(0).sentence("this lab", false));
    }
  }

  /**
   * The labs of a fleet night that do not fit, in order (the first that fit are kept), for the
   * definition of this name in the definitions directory.
   */
  public NightPlan night(String fleet, String definitionName, List<String> labs, boolean allOrNone) {
    QuotaFit fit = off() ? null : fit(LabNeeds.of(new DirectoryDefinitionSource(definitionsDir)
            .find(definitionName)
            .map(f -> Composition.validate(f.fileName(), f.text()).definitionOrNull())
            .orElseThrow(() -> new IllegalArgumentException(
                "definition " + definitionName + " is missing or invalid")), definitionsDir),
        labs, allOrNone);
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
  private QuotaFit fit(Map<Quota, Integer> need, List<String> labs, boolean allOrNone) {
    return off() || need.isEmpty() || labs.isEmpty() ? null
        : QuotaFit.of(need, account.read(need.keySet()), labs, allOrNone);
  }

  /** One line per quota the definition counts against: what one lab needs, and {@code labs} labs. */
  public static List<String> needLines(Definition definition, Path definitionsDir, int labs) {
    List<String> out = new ArrayList<>();
    LabNeeds.of(definition, definitionsDir).forEach((q, n) -> out.add(q.describe() + ": "
        + n + " per lab" + (labs > 1 ? ", " + n * labs + " for " + labs + " labs" : "")));
    return out;
  }

  /** Each quota the definition counts against, against the account's quota and usage. */
  public List<QuotaFit.Shortfall> against(Definition definition, List<String> labs) {
    Map<Quota, Integer> need = LabNeeds.of(definition, definitionsDir);
    return QuotaFit.of(need, account.read(need.keySet()), labs, false).quotas();
  }
}
