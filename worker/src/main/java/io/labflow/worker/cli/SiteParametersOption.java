package io.labflow.worker.cli;

import io.labflow.worker.runtime.SiteParameterSource;
import picocli.CommandLine.Option;

/** The worker's site parameters as {@code worker}, {@code plan} and {@code doctor} take them. */
final class SiteParametersOption {

  @Option(names = "--site-parameters", paramLabel = "JSON|FILE",
      defaultValue = "${env:" + SiteParameterSource.VARIABLE + "}",
      description = {"The worker's site parameters: a JSON object or a file holding one",
          "(default: " + SiteParameterSource.VARIABLE + " of this environment, if set)."})
  String value;
}
