package io.labflow.worker.cli;

import io.labflow.activities.permissions.WorkerPolicy;
import io.labflow.worker.render.WorkerPolicyScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "worker-policy",
    description = {
      "Prints the IAM policy (JSON) the worker's own principal needs.",
      "For the whole step library, or for one definition's steps and the nightly reset's sweep.",
      "Resources are scoped to the lab name prefixes and the labflow:lab tag; every \"*\" is",
      "listed by --explain. Too large for one managed policy, it comes in parts (--part).",
      "Offline."
    })
final class WorkerPolicyCommand extends BaseCommand {

  @Option(names = "--definition", paramLabel = "FILE|NAME",
      description = "Only what this definition needs (default: the whole step library).")
  String definition;

  @Option(names = "--account", defaultValue = "*",
      description = "Account id in the ARNs (default: ${DEFAULT-VALUE}, any).")
  String account;

  @Option(names = "--region", defaultValue = "*",
      description = "Region in the ARNs (default: ${DEFAULT-VALUE}, any).")
  String region;

  @Option(names = "--name-prefix",
      description = "Prefix of role, policy, instance profile and stack names"
          + " (default: the definition's, else labflow-).")
  String namePrefix;

  @Option(names = "--bucket-prefix",
      description = "Prefix of bucket names (default: the definition's, else labflow-).")
  String bucketPrefix;

  @Option(names = "--part", paramLabel = "N",
      description = {"Print only part N of the policy cut into managed policies (IAM allows 6,144",
          "characters in one); without it, the whole policy, and on stderr how many parts it has."})
  Integer part;

  /** The values a worker's labs bind, as {@code doctor} and {@code plan} read a definition. */
  @Mixin SiteParametersOption siteParameters;

  @Option(names = "--explain",
      description = "Print, instead of the policy, each action granted on \"*\" and why.")
  boolean explain;

  @Override
  public Integer call() throws IOException {
    if (explain) {
      WorkerPolicy.unscopedActions().forEach((a, why) -> out().println(a + ": " + why));
      return 0;
    }
    WorkerPolicyScope scope;
    String from = "";
    if (definition != null) {
      DefinitionFiles.Source source = DefinitionFiles.valid(definition, root().definitions, err());
      scope = WorkerPolicyScope.of(source.definition(), siteParameters.parseOrRefuse());
      from = source.path() + ": ";
      if (namePrefix == null && scope.namePrefix().isEmpty()) {
        throw new UsageException(source.path() + ": its role, policy, profile and stack names"
            + " share no literal prefix; give --name-prefix");
      }
    } else {
      List<String> templates = new ArrayList<>();
      if (Files.isDirectory(root().definitions.resolve("templates"))) {
        try (Stream<Path> files = Files.list(root().definitions.resolve("templates"))) {
          files.map(p -> "templates/" + p.getFileName())
              .filter(t -> t.matches(".*\\.(ya?ml|json)$")).sorted().forEach(templates::add);
        }
      }
      scope = new WorkerPolicyScope(
          null, templates, Optional.empty(), Optional.empty(), Map.of());
    }
    WorkerPolicy.Policy policy;
    try {
      policy = scope.policy(root().definitions, account, region, namePrefix, bucketPrefix);
    } catch (IllegalArgumentException e) {
      throw new UsageException(from + e.getMessage());
    }
    for (String lacks : scope.lacks()) {
      err().println(from + lacks + ".");
    }
    List<String> parts = policy.documents();
    if (part != null) {
      if (part < 1 || part > parts.size()) {
        throw new UsageException("--part " + part + ": this policy has " + parts.size()
            + (parts.size() == 1 ? " part" : " parts"));
      }
      out().print(parts.get(part - 1));
      return 0;
    }
    out().print(policy.document());
    if (parts.size() > 1) {
      err().println("This policy exceeds the 6,144 characters of one managed policy: install"
          + " --part 1 to --part " + parts.size() + " as " + parts.size() + " managed policies"
          + " (docs/real-aws.md).");
    }
    return 0;
  }
}
