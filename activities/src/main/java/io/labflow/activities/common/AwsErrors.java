package io.labflow.activities.common;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The decisions a call site makes on an AWS error code (absent is empty, already gone is done,
 * already there is adopted). Every other AWS error goes on unchanged to {@link
 * AwsFailures#around}, the one place that maps it to a Temporal failure.
 */
public final class AwsErrors {

  private AwsErrors() {}

  /** The call's value, or empty when AWS answers with one of these error codes. */
  public static <T> Optional<T> emptyOn(Supplier<T> call, String... codes) {
    return emptyWhen(call, e -> AwsFailures.hasCode(e, codes));
  }

  /** The call's value, or empty when AWS answers with an error that {@code absent} accepts. */
  public static <T> Optional<T> emptyWhen(Supplier<T> call, Predicate<AwsServiceException> absent) {
    try {
      return Optional.ofNullable(call.get());
    } catch (AwsServiceException e) {
      if (absent.test(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Runs the call; false when AWS answers with one of these error codes (nothing was done). */
  public static boolean doneUnless(Runnable call, String... codes) {
    return doneUnless(call, e -> AwsFailures.hasCode(e, codes));
  }

  /** Runs the call; false when AWS answers with an error that {@code nothingDone} accepts. */
  public static boolean doneUnless(Runnable call, Predicate<AwsServiceException> nothingDone) {
    return emptyWhen(() -> {
      call.run();
      return Boolean.TRUE;
    }, nothingDone).isPresent();
  }

  /** The error message AWS sent, or null. */
  public static String message(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
  }
}
