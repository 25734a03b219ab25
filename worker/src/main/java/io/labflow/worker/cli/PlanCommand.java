package io.labflow.worker.cli;

import io.labflow.activities.common.AccountPolicy;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.render.LabPlan;
import io.labflow.worker.runtime.SiteParameterSource;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.model.Definition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "plan",
    description =
        "Shows the steps in order, the resources a run would create, the IAM policy "
            + "document of every variant and what a lab counts against AWS quotas. Contacts neither "
            + "Temporal nor AWS, except AWS with --quotas.")
final class PlanCommand extends BaseCommand {

  @Parameters(paramLabel = "FILE|NAME", description = "A step file, or a definition name.")
  String file;

  @Option(names = "--variant", description = "Variant to plan (default: the definition's).")
  String variant;

  @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Run parameter.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--lab-id", defaultValue = LabNeeds.NO_LAB_ID,
      description = "Lab id to plan with.")
  String labId;

  @Mixin SiteParametersOption siteParameters;

  @Option(names = "--quotas", description = "Read the AWS account's quotas and usage (Service"
      + " Quotas, DescribeVpcs, ...) and show the lab's need against them.")
  boolean quotas;

  @Override
  public Integer call() {
    DefinitionFiles.Source source = DefinitionFiles.valid(file, root().definitions, err());
    Definition definition = source.definition();
    SiteParameters site = siteParameters.parseOrRefuse();
    SiteParameters.Merged merged = site.merge(definition, params);
    ParameterBinder.BindResult bound = DefinitionFiles.bind(
        definition, labId.equals(LabNeeds.NO_LAB_ID) ? null : labId, variant, merged.parameters());
    List<String> problems = new ArrayList<>(DefinitionFiles.refused(definition, bound, labId));
    problems.addAll(DefinitionFiles.preflightProblems(root().definitions, source.path(), labId,
        LabNeeds.knownBeforeRun(definition, source.path().toString(), bound)));
    if (!problems.isEmpty()) {
      problems.forEach(err()::println);
      err().println("A run with these values would fail before creating anything.");
      return 1;
    }
    String where = site == SiteParameters.NONE ? null : siteParameters.source()
        + (siteParameters.source().equals(SiteParameterSource.VARIABLE) ? " in this shell" : "");
    out().print(LabPlan.render(definition, bound, labId,
        new LabPlan.Sources(params.keySet(), merged.fromSite(), where)));
    out().println();
    FleetLab lab = new FleetLab(labId, variant, new LinkedHashMap<>(params));
    QuotaLines.print(out(), root().definitions,
        QuotaPlanner.needs(definition, root().definitions, List.of(lab), site), quotas,
        QuotaPlanner.notCounted(definition, lab, site));
    out().println("\nAccount guard: " + AccountPolicy.fromEnvironment().describe()
        + ", as configured in this shell; the worker checks its own before the first step.");
    return 0;
  }
}
