package io.labflow.workflows.interpreter;

import io.temporal.failure.ApplicationFailure;

/**
 * Failures a person reads in the Web UI or the command line (an update's rejection, the failure a
 * lab's run ends with): a type and one sentence, with no Java stack trace (the failure converter
 * sends a throwable's stack trace along; an empty one shows as nothing).
 */
final class Rejections {

  private Rejections() {}

  static ApplicationFailure reject(String type, String sentence) {
    ApplicationFailure f = ApplicationFailure.newNonRetryableFailure(sentence, type);
    f.setStackTrace(new StackTraceElement[0]);
    return f;
  }
}
