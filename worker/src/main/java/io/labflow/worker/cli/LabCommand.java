package io.labflow.worker.cli;

import io.labflow.worker.client.LabFollower;
import io.labflow.workflows.lab.LabStatus;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Parameters;

/** A command about one lab, named by its id first. */
abstract class LabCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "LAB_ID", description = "The lab id.")
  String labId;

  /**
   * The task queue of the lab's open run, once a worker is seen polling it: a lab without an open
   * run is a {@link ClosedLab}, a queue no worker polls a {@link NoWorker} saying {@code
   * unsent} (asked for only then: a teardown records itself), both within seconds.
   */
  String workerFor(Supplier<String> unsent) {
    String queue = ClosedLab.openRunQueue(connect().client(), labId);
    if (!root().polled.test(connect(), queue)) {
      throw new NoWorker(queue, unsent.get());
    }
    return queue;
  }

  /**
   * The lab's status query answer, its worker polling {@code queue}, said after a moment; empty
   * when none came within seconds.
   */
  Optional<LabStatus> query(String queue) {
    return LabFollower.query(connect(), labId, null,
        LabFollower.asking(err(), "lab " + labId + " for its status", queue));
  }

  /** {@link #query}'s answer; one not given within seconds fails the command. */
  LabStatus status(String queue) {
    return query(queue).orElseThrow(() -> new IllegalStateException(
        "lab " + labId + " did not answer its status query within seconds; try again, or see the"
            + " Web UI: " + connect().uiAddress(root().uiUrl, labId)));
  }

  /** The lab's answer to its Update {@code name}, sent once a worker polls its task queue. */
  <T> T update(String name, Class<T> type, Object... args) throws InterruptedException {
    return answer(workerFor(() -> "nothing sent"), labId, name, type, args);
  }
}
