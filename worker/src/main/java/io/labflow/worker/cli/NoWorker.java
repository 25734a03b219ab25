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
}
