package io.labflow.worker.cli;

import io.labflow.worker.client.Pollers;
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

  /**
   * The task queue of the lab's open run, once a worker is seen polling it: a lab without an open
   * run is a {@link ClosedLab.Ended}, a queue no worker polls a {@link NoWorker} saying {@code
   * unsent}, both within seconds.
   */
  static String workerFor(TemporalConnection conn, String labId, String unsent) {
    String queue = ClosedLab.openRunQueue(conn.client(), labId);
    if (!Pollers.polled(conn, queue)) {
      throw new NoWorker(queue, unsent);
    }
    return queue;
  }

  /** Opens a Temporal connection; the caller closes it. */
  TemporalConnection connect() {
    return TemporalConnection.open();
  }
}
