package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/**
 * Turns Temporal failures into the short messages the status and the failure summary show, and
 * makes the failures a person reads.
 */
final class Failures {

  private Failures() {}

  /**
   * A failure a person reads in the Web UI or the command line (an update's rejection, the failure
   * a lab's run ends with): a type and one sentence ({@link RejectionFailureConverter} sends it
   * without a stack trace).
   */
  static ApplicationFailure reject(String type, String sentence) {
    return ApplicationFailure.newNonRetryableFailure(sentence, type);
  }

  /** The failure an activity call ended with, without Temporal's wrapping. */
  static Throwable root(Throwable failure) {
    // The SDK wraps an activity's failure once.
    return failure instanceof ActivityFailure && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  /** Whether an activity call ended in a refusal ({@link FailureTypes#NOT_OWNED}). */
  static boolean isRefusal(Throwable failure) {
    return root(failure) instanceof ApplicationFailure af
        && FailureTypes.NOT_OWNED.equals(af.getType());
  }

  /**
   * A one-line description such as {@code AccessDenied: User is not authorized}: the failure type
   * (the error code the activity mapped, or a Java exception's simple name) and its message.
   */
  static String describe(Throwable failure) {
    Throwable root = root(failure);
    if (root instanceof ApplicationFailure af) {
      String type = af.getType() == null ? "Error" : af.getType();
      String shortType = type.substring(type.lastIndexOf('.') + 1);
      String message = af.getOriginalMessage();
      return message == null || message.isEmpty() ? shortType : shortType + ": " + message;
    }
    if (root instanceof TimeoutFailure tf) {
      String kind =
          tf.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").replace('_', '-').toLowerCase();
      String said = "timed out (" + kind + ")";
      // The failure of the attempt before: said unless it is the same timeout again.
      String before = tf.getCause() == null ? said : describe(tf.getCause());
      return before.equals(said) ? said : said + " after " + before;
    }
    if (root instanceof CanceledFailure) {
      return "cancelled";
    }
    if (root instanceof TemporalFailure tf) {
      return tf.getOriginalMessage();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
