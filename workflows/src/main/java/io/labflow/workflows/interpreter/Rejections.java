package io.labflow.workflows.interpreter;

import io.temporal.failure.ApplicationFailure;

/**
 * Failures a person reads in the Web UI or the command line: a type and one sentence, with no Java
 * stack trace (the failure converter sends a throwable's stack trace along; an empty one shows as
 * nothing).
 */
final class Rejections {

  private Rejections() {}

  /** A rejection an update validator or handler throws. */
  static ApplicationFailure reject(String type, String sentence) {
    return withoutStackTrace(ApplicationFailure.newNonRetryableFailure(sentence, type));
  }

  /** The failure a lab's run ends with. */
  static ApplicationFailure fail(String type, String message) {
    return withoutStackTrace(ApplicationFailure.newNonRetryableFailure(message, type));
  }

  private static ApplicationFailure withoutStackTrace(ApplicationFailure f) {
    f.setStackTrace(new StackTraceElement[0]);
    return f;
  }
}
