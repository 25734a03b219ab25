package io.labflow.worker.cli;

import picocli.CommandLine.Parameters;

/** A command about one lab, named by its id first. */
abstract class LabCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "LAB_ID", description = "The lab id.")
  String labId;
}
