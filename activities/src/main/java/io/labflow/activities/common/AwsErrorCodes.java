package io.labflow.activities.common;

import io.labflow.workflows.lab.FailureTypes;
import java.util.Set;

/**
 * What AWS error codes mean for a retry, after the services' documentation: the tables {@link
 * AwsFailures#map} decides by.
 */
final class AwsErrorCodes {

  private AwsErrorCodes() {}

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
          FailureTypes.ACCESS_DENIED,
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
          FailureTypes.DELETE_CONFLICT,
          FailureTypes.INVALID_INPUT,
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

  /**
   * Error codes saying the endpoint does not know or implement the operation (query APIs answer
   * {@code InvalidAction}, JSON APIs {@code UnknownOperationException}, S3 {@code NotImplemented}).
   * Retrying cannot help, so they become {@code Unsupported}.
   */
  static final Set<String> UNSUPPORTED_CODES =
      Set.of(
          "InvalidAction",
          "UnknownOperation",
          "UnknownOperationException",
          "NotImplemented",
          "NotImplementedException");
}
