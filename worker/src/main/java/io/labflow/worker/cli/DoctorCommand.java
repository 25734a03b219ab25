package io.labflow.worker.cli;

import io.labflow.worker.doctor.Doctor;
import io.labflow.worker.doctor.Row;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import java.nio.file.Files;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "doctor",
    description = {
      "Checks that labs can run with this environment's AWS and Temporal configuration.",
      "Run it with the worker's environment. Rows: who labflow acts as, the account guard,",
      "region and endpoint; every IAM permission the definitions need (IAM's policy simulator",
      "on the worker's own principal); each AWS quota a lab needs against the account's;",
      "the lab preflight with its verification method;",
      "Temporal and whether a worker polls the task queue. One table of OK / FAIL / UNKNOWN",
      "rows; creates nothing. Exit 0 no row fails, 1 a row fails, 2 usage."
    })
final class DoctorCommand extends BaseCommand {

  @Option(names = "--definition", paramLabel = "NAME",
      description = "Check only this definition (repeatable; default: every definition in the"
          + " definitions directory).")
  List<String> definitions = List.of();

  @Mixin SiteParametersOption siteParameters;

  @Override
  public Integer call() {
    // Else no definition is checked, and a table without a FAIL row passes a worker that has none.
    if (!Files.isDirectory(root().definitions)) {
      throw new UsageException("--definitions (env LABFLOW_DEFINITIONS_DIR): no directory "
          + root().definitions);
    }
    for (String d : definitions) {
      if (new DirectoryDefinitionSource(root().definitions).find(d).isEmpty()) {
        throw new UsageException("--definition: no definition named " + d + " in "
            + root().definitions);
      }
    }
    List<Row> rows = Doctor.run(root().definitions, root().taskQueue, definitions,
        siteParameters.value, siteParameters.source(), this::connect);
    Doctor.print(rows, out());
    return Doctor.exitCode(rows);
  }
}
