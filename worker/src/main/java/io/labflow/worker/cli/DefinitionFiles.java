package io.labflow.worker.cli;

import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.labflow.worker.render.LabPlan;
import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds, reads and validates the step file a command names. */
final class DefinitionFiles {

  private DefinitionFiles() {}

  record Source(Path path, String text, Definition definition) {}

  /**
   * The valid step file a command names: a file path as given, or a definition name looked up in
   * the definitions directory. An invalid file's diagnostics are printed and thrown, so that bad
   * input never reaches Temporal.
   */
  static Source valid(String fileOrName, Path definitionsDir, PrintWriter err) {
    Path path = Path.of(fileOrName);
    if (!Files.isRegularFile(path)) {
      if (!DirectoryDefinitionSource.isName(fileOrName)) {
        throw new UsageException("no such file: " + fileOrName);
      }
      path = DirectoryDefinitionSource.pathOf(definitionsDir, fileOrName);
      if (!Files.isRegularFile(path)) {
        throw new UsageException("no file " + fileOrName + " and no definition named " + fileOrName
            + " in " + definitionsDir + " (looked for " + path + ")");
      }
    }
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new UsageException("cannot read " + path + ": " + e.getMessage());
    }
    LoadResult v = Composition.validate(path.toString(), text);
    if (!v.ok()) {
      v.errors().forEach(err::println);
      int n = v.errors().size();
      // Not a usage error: the file is wrong, not the command line (exit code 1, as validate's).
      throw new IllegalArgumentException(
          path + " is invalid (" + n + (n == 1 ? " problem)" : " problems)"));
    }
    return new Source(path, text, v.definitionOrNull());
  }

  /**
   * Binds a command's lab id, variant and {@code -p key=value} strings with the binder the worker
   * uses, so the command line accepts exactly what a run would. A malformed request (bad lab id,
   * unknown variant or parameter, a value of the wrong type) is a usage error; a missing required
   * parameter is not, since the worker's site parameters may supply it.
   *
   * @param labId the lab id, or null when the command has none
   * @return the binding; its {@link ParameterBinder.BindResult#errorsBesidesMissing()} are values
   *     the worker would refuse (patterns, formats such as {@code format: arn})
   */
  static ParameterBinder.BindResult bind(
      Definition definition, String labId, String variant, Map<String, ?> params) {
    ParameterBinder.BindResult bound =
        ParameterBinder.bind(definition, labId, variant, params, "parameters");
    List<String> malformed = sentences(bound.malformed());
    if (!malformed.isEmpty()) {
      throw new UsageException(String.join("\n", malformed));
    }
    return bound;
  }

  /** The problems a run with this binding would stop at before anything is created. */
  static List<String> refused(
      Definition definition, ParameterBinder.BindResult bound, String labId) {
    List<String> problems = new ArrayList<>(sentences(bound.errorsBesidesMissing()));
    problems.addAll(LabPlan.problems(definition, bound, labId));
    return problems;
  }

  /**
   * What a run's preflight would refuse, found without AWS, in its sentences: the stack templates
   * (each templateFile filled in with the definition's defaults and the site's values; one named by
   * a parameter without either, by the lab id or by a step's output, is known only at run time)
   * and the S3 actions of its policies and verifications: {@code validate}'s.
   */
  static List<String> preflightProblems(
      Path definitionsDir, Path file, Definition definition, SiteParameters site) {
    return preflightProblems(definitionsDir, file, null,
        LabNeeds.knownBeforeRun(definition, file.toString(),
            bind(definition, null, null, site.merge(definition, Map.of()).parameters())));
  }

  /**
   * As above for a lab bound as a command binds it ({@code plan}'s). Read from the definitions
   * directory, where the worker reads them, not beside the file: a run sends the file's text, and
   * its templates are the worker's.
   *
   * @param labId the lab id; null or none ({@link LabNeeds#NO_LAB_ID}) reads no template it names
   */
  static List<String> preflightProblems(Path definitionsDir, Path file, String labId,
      ResolvedLab lab) {
    List<String> problems = new ArrayList<>();
    AwsLabPreflight.templates(definitionsDir, labId, lab, problems);
    if (!problems.isEmpty() && !Files.isDirectory(definitionsDir)) {
      problems.add(file + ": no definitions directory " + definitionsDir.toAbsolutePath()
          + " to read templates from: set --definitions (env LABFLOW_DEFINITIONS_DIR) to the"
          + " directory the worker reads them from");
    }
    problems.addAll(AwsLabPreflight.s3ActionProblems(lab));
    return problems;
  }

  private static List<String> sentences(List<Diagnostic> errors) {
    return errors.stream().map(d -> d.path() + ": " + d.message()).toList();
  }
}
