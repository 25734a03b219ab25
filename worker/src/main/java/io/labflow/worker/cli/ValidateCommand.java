package io.labflow.worker.cli;

import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "validate",
    description = {
      "Checks step files, and the stack templates they name, without contacting Temporal or AWS.",
      "Prints every problem as FILE:LINE:COLUMN: path: message, and a template a run's preflight",
      "would refuse (in the definitions directory) as FILE: step 'ID' with.templateFile: message.",
      "Exit code: 0 all valid, 1 any invalid, 2 usage error."
    })
final class ValidateCommand extends BaseCommand {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Step files to check.")
  List<Path> files;

  @Mixin SiteParametersOption siteParameters;

  @Override
  public Integer call() {
    SiteParameters site = siteParameters.parseOrRefuse();
    int invalid = 0;
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        out().println(file + ":0:0: $: cannot read the file (" + e.getClass().getSimpleName() + ")");
        invalid++;
        continue;
      }
      LoadResult v = Composition.validate(file.toString(), text);
      List<?> problems = v.ok() ? DefinitionFiles.preflightProblems(
          root().definitions, file, v.definitionOrNull(), site) : v.errors();
      if (problems.isEmpty()) {
        out().println(file + ": valid");
      } else {
        problems.forEach(out()::println);
        invalid++;
      }
    }
    if (files.size() > 1) {
      out().println((files.size() - invalid) + " valid, " + invalid + " invalid");
    }
    return invalid == 0 ? 0 : 1;
  }
}
