package io.labflow.worker.cli;

import io.labflow.worker.client.TemporalConnection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of the subcommands: output streams, root options, Temporal connection. */
abstract class BaseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  LabflowCommand root() {
    return (LabflowCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Opens a Temporal connection; the caller closes it. */
  TemporalConnection connect() {
    return TemporalConnection.open();
  }
}
