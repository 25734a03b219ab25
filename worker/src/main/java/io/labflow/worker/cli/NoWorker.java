package io.labflow.worker.cli;

import io.labflow.worker.client.Pollers;

/**
 * No worker polls the task queue a command needs (exit code 4): said at once rather than waited
 * on. The message says whether the request was recorded (a teardown, a fleet reset) or not sent.
 */
final class NoWorker extends RuntimeException {

  static final int EXIT_CODE = 4;

  NoWorker(String taskQueue, String outcome) {
    super(Pollers.none(taskQueue) + "; " + outcome);
  }

  private NoWorker(String message) {
    super(message);
  }

  /** A worker polled of late, but none took the Update {@code name} within seconds. */
  static NoWorker untaken(String taskQueue, String name, String outcome) {
    return new NoWorker("no worker took the " + name + " within " + BaseCommand.ACCEPT.toSeconds()
        + " s, though one polled task queue " + taskQueue + " in the last "
        + Pollers.FRESH.toSeconds() + " s" + Pollers.START + "; " + outcome);
  }
}
