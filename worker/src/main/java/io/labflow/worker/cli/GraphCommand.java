package io.labflow.worker.cli;

import io.labflow.worker.render.MermaidGraph;
import io.labflow.workflows.model.Definition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "graph",
    description =
        "Prints a Mermaid flowchart of the steps, parallel groups and compensations "
            + "(paste into any Mermaid renderer, or a ```mermaid block on GitHub).")
final class GraphCommand extends BaseCommand {

  @Parameters(paramLabel = "FILE|NAME", description = "A step file, or a definition name.")
  String file;

  @Override
  public Integer call() {
    Definition definition = DefinitionFiles.valid(file, root().definitions, err()).definition();
    out().print(MermaidGraph.render(definition));
    return 0;
  }
}
