package io.labflow.activities;

import io.temporal.failure.ApplicationFailure;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The single place that turns AWS errors into Temporal failures.
 *
 * <p>Decisions are made on the AWS error code only, never on exception classes or messages (except
 * the one documented propagation message of EC2). The failure type is the error code itself, so a
 * step file can name it in {@code nonRetryable}; labflow's own failure types are the constants
 * below.
 */
public final class AwsFailures {

  /** The resource exists but does not carry this lab's tag. Never retried. */
  public static final String NOT_OWNED = "NotOwned";
  /** The input of an activity is invalid. Never retried. */
  public static final String INVALID_INPUT = "InvalidInput";
  /** A stack ended in a failed or rolled-back state. Never retried. */
  public static final String STACK_FAILED = "StackFailed";
  /** Verified access differs from the expectation after the propagation budget. */
  public static final String ACCESS_MISMATCH = "AccessMismatch";
  /** A resource still depends on something labflow may not touch. */
  public static final String DELETE_CONFLICT = "DeleteConflict";
  /** A network or client-side failure without an AWS error code. Retried. */
  public static final String CLIENT_ERROR = "AwsClientError";
  /** An AWS error whose code this table does not know. Retried, since most are transient. */
  public static final String UNKNOWN = "AwsUnknownError";

  /** Error codes that are transient: throttling, server faults and IAM propagation delays. */
  static final Set<String> RETRYABLE =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequestsException",
          "RequestThrottled",
          "RequestThrottledException",
          "SlowDown",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "Unavailable",
          "InternalError",
          "InternalFailure",
          "InternalServerError",
          "ServiceFailure",
          "RequestTimeout",
          "RequestTimeoutException",
          "PriorRequestNotComplete",
          "ConcurrentModification",
          "ConcurrentModificationException",
          "IDPCommunicationError",
          "EC2ThrottledException",
          "InsufficientInstanceCapacity",
          // IAM is eventually consistent: an entity created a moment ago may not be visible yet
          // (documented for IAM). Activities treat an expected absence themselves; one that
          // reaches this mapper is retried within the step's retry policy.
          "NoSuchEntity");

  /** Error codes that no retry can fix. */
  static final Set<String> NON_RETRYABLE =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnauthorizedOperation",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "ExpiredTokenException",
          "AuthFailure",
          "OptInRequired",
          "ValidationError",
          "ValidationException",
          "MalformedPolicyDocument",
          "LimitExceeded",
          "LimitExceededException",
          "EntityAlreadyExists",
          "AlreadyExistsException",
          "DeleteConflict",
          "InvalidInput",
          "InvalidParameterCombination",
          "InvalidParameterValue",
          "MissingParameter",
          "InsufficientCapabilitiesException",
          "TokenAlreadyExistsException",
          "InvalidAMIID.NotFound",
          "InvalidAMIID.Malformed",
          "InvalidInstanceID.Malformed",
          "BucketAlreadyExists",
          "BucketAlreadyOwnedByYou",
          "InvalidBucketName",
          "NoSuchBucket",
          "UnmodifiableEntity",
          "PolicyNotAttachable",
          "InvalidInstanceID.NotFound",
          "InvalidAssociationID.NotFound",
          "IncorrectState",
          "IncorrectInstanceState");

  /** The EC2 message while a new instance profile has not yet propagated to EC2. */
  static final String PROFILE_PROPAGATION_MESSAGE = "invalid iam instance profile";

  private AwsFailures() {}

  /** The Temporal failure for any SDK exception. */
  public static ApplicationFailure map(SdkException e) {
    if (e instanceof AwsServiceException ase) {
      return map(ase);
    }
    if (e instanceof SdkClientException) {
      return ApplicationFailure.newFailureWithCause(
          "AWS client error: " + e.getMessage(), CLIENT_ERROR, e);
    }
    return ApplicationFailure.newFailureWithCause(
        "AWS SDK error: " + e.getMessage(), CLIENT_ERROR, e);
  }

  /** The Temporal failure for an AWS service error, typed by its error code. */
  public static ApplicationFailure map(AwsServiceException e) {
    String code = errorCode(e);
    int status = e.statusCode();
    String message = describe(e);
    if (isProfilePropagation(e) || RETRYABLE.contains(code)) {
      return ApplicationFailure.newFailureWithCause(message, code, e);
    }
    if (NON_RETRYABLE.contains(code)) {
      return ApplicationFailure.newNonRetryableFailureWithCause(message, code, e);
    }
    if (status >= 500 || status == 429) {
      return ApplicationFailure.newFailureWithCause(
          message, code.isEmpty() ? "HttpStatus" + status : code, e);
    }
    if (code.isEmpty()) {
      return ApplicationFailure.newFailureWithCause(message, UNKNOWN, e);
    }
    // An unknown 4xx code is a client mistake far more often than a transient condition.
    if (status >= 400 && status < 500) {
      return ApplicationFailure.newNonRetryableFailureWithCause(message, code, e);
    }
    return ApplicationFailure.newFailureWithCause(message, code, e);
  }

  /** Whether EC2 rejected an instance profile only because IAM has not propagated it yet. */
  public static boolean isProfilePropagation(AwsServiceException e) {
    String code = errorCode(e);
    String msg = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return "InvalidParameterValue".equals(code)
        && msg != null
        && msg.toLowerCase(Locale.ROOT).contains(PROFILE_PROPAGATION_MESSAGE);
  }

  /** The AWS error code, or the empty string when the response had none. */
  public static String errorCode(AwsServiceException e) {
    if (e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null) {
      return "";
    }
    return e.awsErrorDetails().errorCode();
  }

  /** Whether the error has this code. */
  public static boolean hasCode(AwsServiceException e, String... codes) {
    String code = errorCode(e);
    for (String c : codes) {
      if (c.equals(code)) {
        return true;
      }
    }
    return false;
  }

  /** A non-retryable failure: the resource is not this lab's. */
  public static ApplicationFailure notOwned(String what, String labId) {
    return ApplicationFailure.newNonRetryableFailure(
        what + " exists but is not tagged " + Tags.LAB_TAG + "=" + labId + "; labflow leaves it"
            + " untouched",
        NOT_OWNED);
  }

  /** A non-retryable failure: bad activity input. */
  public static ApplicationFailure invalidInput(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, INVALID_INPUT);
  }

  private static String describe(AwsServiceException e) {
    String service =
        e.awsErrorDetails() != null && e.awsErrorDetails().serviceName() != null
            ? e.awsErrorDetails().serviceName()
            : "AWS";
    String msg =
        e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
            ? e.awsErrorDetails().errorMessage()
            : e.getMessage();
    return service + " " + errorCode(e) + " (HTTP " + e.statusCode() + "): " + msg;
  }
}
