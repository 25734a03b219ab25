package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsFailuresTest {

  private static AwsServiceException error(String code, int status, String message) {
    return AwsServiceException.builder()
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName("Test")
                .build())
        .statusCode(status)
        .message(message)
        .build();
  }

  @ParameterizedTest(name = "{0} (HTTP {1}) -> retryable={2}")
  @CsvSource({
    // retryable: throttling
    "Throttling, 400, true",
    "ThrottlingException, 400, true",
    "RequestLimitExceeded, 503, true",
    "TooManyRequestsException, 429, true",
    "SlowDown, 503, true",
    "RequestThrottled, 400, true",
    "EC2ThrottledException, 400, true",
    // retryable: server side
    "ServiceUnavailable, 503, true",
    "InternalError, 500, true",
    "InternalFailure, 500, true",
    "ServiceFailure, 500, true",
    "SomethingNew, 500, true",
    "SomethingNew, 502, true",
    "RequestTimeout, 400, true",
    "PriorRequestNotComplete, 400, true",
    "ConcurrentModification, 409, true",
    // retryable: IAM eventual consistency
    "NoSuchEntity, 404, true",
    // non-retryable: authorization and credentials
    "AccessDenied, 403, false",
    "AccessDeniedException, 400, false",
    "UnauthorizedOperation, 403, false",
    "InvalidClientTokenId, 403, false",
    "SignatureDoesNotMatch, 403, false",
    "ExpiredToken, 400, false",
    "AuthFailure, 401, false",
    // non-retryable: bad requests
    "ValidationError, 400, false",
    "MalformedPolicyDocument, 400, false",
    "LimitExceeded, 409, false",
    "EntityAlreadyExists, 409, false",
    "DeleteConflict, 409, false",
    "InvalidParameterValue, 400, false",
    "InsufficientCapabilitiesException, 400, false",
    "InvalidAMIID.NotFound, 400, false",
    "BucketAlreadyExists, 409, false",
    "UnknownClientMistake, 400, false"
  })
  void mapsErrorCodeToTypedFailure(String code, int status, boolean retryable) {
    ApplicationFailure f = AwsFailures.map(error(code, status, "boom"));
    assertThat(f.getType()).isEqualTo(code);
    assertThat(f.isNonRetryable()).isEqualTo(!retryable);
    assertThat(f.getOriginalMessage()).contains(code).contains("boom");
  }

  @Test
  void instanceProfilePropagationIsRetryableWhileOtherInvalidParameterValuesAreNot() {
    ApplicationFailure propagation =
        AwsFailures.map(
            error(
                "InvalidParameterValue",
                400,
                "Value (labflow-lab-1-profile) for parameter iamInstanceProfile.name is invalid."
                    + " Invalid IAM Instance Profile name"));
    assertThat(propagation.isNonRetryable()).isFalse();
    assertThat(propagation.getType()).isEqualTo("InvalidParameterValue");

    ApplicationFailure other =
        AwsFailures.map(error("InvalidParameterValue", 400, "Value (t9.huge) is invalid"));
    assertThat(other.isNonRetryable()).isTrue();
  }

  @Test
  void statusWithoutCodeDecidesByStatus() {
    AwsServiceException noCode = AwsServiceException.builder().statusCode(503).message("x").build();
    ApplicationFailure f = AwsFailures.map(noCode);
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getType()).isEqualTo("HttpStatus503");
  }

  @Test
  void clientSideFailuresAreRetryable() {
    ApplicationFailure network =
        AwsFailures.map(SdkClientException.create("Unable to execute HTTP request: refused"));
    assertThat(network.isNonRetryable()).isFalse();
    assertThat(network.getType()).isEqualTo(AwsFailures.CLIENT_ERROR);

    ApplicationFailure timeout = AwsFailures.map(ApiCallTimeoutException.create(1000));
    assertThat(timeout.isNonRetryable()).isFalse();
  }

  @Test
  void labflowFailuresAreNonRetryable() {
    assertThat(AwsFailures.notOwned("role r", "lab-1").isNonRetryable()).isTrue();
    assertThat(AwsFailures.notOwned("role r", "lab-1").getType()).isEqualTo("NotOwned");
    assertThat(AwsFailures.invalidInput("x").getType()).isEqualTo("InvalidInput");
  }

  @Test
  void noCodeIsBothRetryableAndNonRetryable() {
    assertThat(AwsFailures.RETRYABLE).doesNotContainAnyElementsOf(AwsFailures.NON_RETRYABLE);
  }
}
