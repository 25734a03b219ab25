package io.labflow.worker.cli;

import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.render.LabPlan;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.fleet.FleetLoadResult;
import io.labflow.workflows.fleet.FleetLoader;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads a fleet file and checks it against its step file: the definition exists and is valid,
 * every lab's variant and parameters bind, and no lab would be refused at the start of its run (a
 * name its lab id makes too long for AWS, what the preflight finds without AWS). Problems point at
 * the fleet file's lines, or at the step file's for what all labs share.
 */
final class FleetFiles {

  /** A checked fleet and its definition, or every problem found. */
  record Checked(Fleet fleetOrNull, Definition definitionOrNull, List<String> problems) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  private FleetFiles() {}

  static Checked check(Path file, Path definitionsDir) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return failed(List.of(file + ": cannot read the file (" + e.getClass().getSimpleName() + ")"));
    }
    String name = file.toString();
    FleetLoadResult loaded = new FleetLoader().load(name, text);
    if (!loaded.ok()) {
      return failed(loaded.errors().stream().map(Diagnostic::toString).toList());
    }
    Fleet fleet = loaded.fleetOrNull();
    Path defFile = definitionsDir.resolve(fleet.definition() + ".yaml");
    if (!Files.isRegularFile(defFile)) {
      return failed(List.of(loaded.at(name, "definition", "no definition named '"
          + fleet.definition() + "' in " + definitionsDir + " (looked for " + defFile + ")").toString()));
    }
    LoadResult v;
    try {
      v = Composition.validate(defFile.toString(), Files.readString(defFile));
    } catch (IOException e) {
      return failed(List.of(loaded.at(name, "definition", "cannot read " + defFile).toString()));
    }
    if (!v.ok()) {
      List<String> out = new ArrayList<>();
      out.add(loaded.at(name, "definition", "definition '" + fleet.definition() + "' is not valid:").toString());
      v.errors().forEach(d -> out.add(d.toString()));
      return failed(out);
    }
    Definition def = v.definitionOrNull();
    Set<String> problems = new LinkedHashSet<>();
    Set<String> shared = new LinkedHashSet<>();
    for (int i = 0; i < fleet.labs().size(); i++) {
      FleetLab lab = fleet.labs().get(i);
      ParameterBinder.BindResult bound =
          ParameterBinder.bind(def, null, lab.variant(), lab.parameters(), name);
      for (Diagnostic d : bound.errors()) {
        String at = place(loaded, i, d.path());
        // A problem of what all labs share is reported once, at the shared key.
        String message =
            at.startsWith("labs[") ? "lab " + lab.labId() + ": " + d.message() : d.message();
        problems.add(loaded.at(name, at, message).toString());
      }
      String at = loaded.places().containsKey("labs[" + i + "]") ? "labs[" + i + "]" : "labs";
      LabPlan.problems(def, bound, lab.labId()).forEach(p -> problems.add(
          loaded.at(name, at, "lab " + lab.labId() + ": " + p).toString()));
      // Each lab's, the same for all but a template its lab id names: said once, after the labs'.
      shared.addAll(DefinitionFiles.preflightProblems(definitionsDir, defFile, lab.labId(),
          LabNeeds.knownBeforeRun(def, defFile.toString(), bound)));
    }
    problems.addAll(shared);
    return problems.isEmpty() ? new Checked(fleet, def, List.of()) : failed(List.copyOf(problems));
  }

  private static Checked failed(List<String> problems) {
    return new Checked(null, null, problems);
  }

  /** The fleet-file path of a binder problem of lab {@code i}: its own entry, else the shared one. */
  private static String place(FleetLoadResult loaded, int i, String binderPath) {
    String p = binderPath == null || binderPath.isEmpty() ? "variant" : binderPath;
    String own = "labs[" + i + "]." + p;
    return loaded.places().containsKey(own) ? own : p;
  }
}
