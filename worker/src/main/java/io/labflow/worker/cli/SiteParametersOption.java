package io.labflow.worker.cli;

import io.labflow.worker.runtime.SiteParameterSource;
import io.labflow.workflows.binding.SiteParameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The worker's site parameters as {@code worker}, {@code plan} and {@code doctor} take them. */
final class SiteParametersOption {

  static final String NAME = "--site-parameters";

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = NAME, paramLabel = "JSON|FILE",
      defaultValue = "${env:" + SiteParameterSource.VARIABLE + "}",
      description = {"The worker's site parameters: a JSON object or a file holding one",
          "(default: " + SiteParameterSource.VARIABLE + " of this environment, if set)."})
  String value;

  /** Where the value was given, as messages name it: the option, or the variable by default. */
  String source() {
    return command.commandLine().getParseResult().hasMatchedOption(NAME)
        ? NAME : SiteParameterSource.VARIABLE;
  }

  SiteParameters parse() {
    return SiteParameterSource.parse(value, source());
  }

  /** As {@link #parse}, a value that cannot be read refused as a usage error (exit 2). */
  SiteParameters parseOrRefuse() {
    try {
      return parse();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
