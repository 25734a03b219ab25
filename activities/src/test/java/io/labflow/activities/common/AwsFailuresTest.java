package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.common.AwsFailures.AwsErrorInfo;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.api.failure.v1.Failure;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

@Tag("fast")
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
    "UnrecognizedClientException, 400, false",
    "OptInRequired, 401, false",
    "IncorrectInstanceState, 400, false",
    "InvalidAssociationID.NotFound, 400, false",
    "NoSuchBucket, 404, false",
    "UnknownClientMistake, 400, false",
    // non-retryable: S3's bucket of another Region (a retry goes to the same Region)
    "PermanentRedirect, 301, false",
    // retryable: S3's redirect while a new bucket's DNS settles
    "TemporaryRedirect, 307, true"
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
  void http403IsAccessDeniedAndNotRetriedWhateverTheBody() {
    AwsServiceException unparsed =
        AwsServiceException.builder().statusCode(403).message("<html>forbidden</html>").build();
    ApplicationFailure f = AwsFailures.map(unparsed);
    assertThat(f.getType()).isEqualTo("AccessDenied");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("HTTP 403");
    // An unknown code on a 403 keeps its code as type and is not retried either.
    ApplicationFailure odd = AwsFailures.map(error("SomethingNew", 403, "no"));
    assertThat(odd.getType()).isEqualTo("SomethingNew");
    assertThat(odd.isNonRetryable()).isTrue();
  }

  @Test
  void clientSideFailuresAreRetryable() {
    ApplicationFailure network =
        AwsFailures.map(SdkClientException.create("Unable to execute HTTP request: refused"));
    assertThat(network.isNonRetryable()).isFalse();
    assertThat(network.getType()).isEqualTo(FailureTypes.AWS_CLIENT_ERROR);

    ApplicationFailure timeout = AwsFailures.map(ApiCallTimeoutException.create(1000));
    assertThat(timeout.isNonRetryable()).isFalse();
  }

  @Test
  void labflowFailuresAreNonRetryable() {
    assertThat(AwsFailures.notOwned("role r", "lab-1").isNonRetryable()).isTrue();
    assertThat(AwsFailures.notOwned("role r", "lab-1").getType()).isEqualTo("NotOwned");
    assertThat(AwsFailures.invalidInput("x").getType()).isEqualTo("InvalidInput");
  }

  @ParameterizedTest(name = "{0} (HTTP {1}, request id {2}) -> Unsupported, not retried")
  @CsvSource({
    // query APIs (IAM, STS, EC2, CloudFormation) answer an unknown action so
    "InvalidAction, 400, req-1",
    // JSON APIs
    "UnknownOperationException, 400, req-2",
    "UnknownOperationException, 404, req-3",
    // S3 and others for a feature the endpoint lacks
    "NotImplemented, 501, req-4",
    "NotImplementedException, 400, req-5",
    // any 501
    "SomethingElse, 501, req-6",
    "'', 501, ''",
    // a bare answer no AWS service gives: no code, no request id (moto's unimplemented actions)
    "'', 500, ''",
    "'', 404, ''",
    "'', 405, ''"
  })
  void unknownOperationsAreUnsupportedAndNotRetried(String code, int status, String requestId) {
    AwsServiceException e =
        AwsServiceException.builder()
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code.isEmpty() ? null : code)
                    .errorMessage(code.isEmpty() ? null : "not here")
                    .serviceName("Iam")
                    .build())
            .statusCode(status)
            .requestId(requestId.isEmpty() ? null : requestId)
            .build();
    ApplicationFailure f = AwsFailures.map(e);
    assertThat(f.getType()).isEqualTo(FailureTypes.UNSUPPORTED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).startsWith("Iam ").contains("HTTP " + status);
    if (!code.isEmpty()) {
      assertThat(f.getOriginalMessage()).contains(code).contains("request id " + requestId);
    }
  }

  @ParameterizedTest(name = "no code, HTTP {0}, request id ''{1}'' -> {2}, retryable")
  @CsvSource({
    // a gateway or proxy in the way: transient
    "502, '', HttpStatus502",
    "503, '', HttpStatus503",
    "504, '', HttpStatus504",
    // an AWS service did answer (it sent a request id), only without a code: transient
    "500, req-7, HttpStatus500"
  })
  void bareGatewayErrorsStayRetryable(int status, String requestId, String type) {
    AwsServiceException e =
        AwsServiceException.builder()
            .statusCode(status)
            .requestId(requestId.isEmpty() ? null : requestId)
            .build();
    ApplicationFailure f = AwsFailures.map(e);
    assertThat(f.getType()).isEqualTo(type);
    assertThat(f.isNonRetryable()).isFalse();
  }

  @Test
  void aHugeErrorWithADeepCauseChainBecomesASmallFailureWithoutCause() {
    String html = "<html><body>" + "<p>Internal Server Error</p>".repeat(5_000) + "</body></html>";
    RuntimeException deep = new RuntimeException("root");
    for (int i = 0; i < 30; i++) {
      deep = new RuntimeException("wrapper " + i + " " + "x".repeat(500), deep);
    }
    AwsServiceException e =
        AwsServiceException.builder()
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationError")
                    .errorMessage(html)
                    .serviceName("CloudFormation")
                    .build())
            .statusCode(400)
            .requestId("8f2c-req")
            .message(html)
            .cause(deep)
            .build();
    for (int i = 0; i < 5; i++) {
      e.addSuppressed(new RuntimeException("Request attempt " + i + " failure: " + html));
    }

    ApplicationFailure f = AwsFailures.map(e);

    assertThat(f.getCause()).isNull();
    assertThat(f.getType()).isEqualTo("ValidationError");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .startsWith("CloudFormation failed: ValidationError (HTTP 400, request id 8f2c-req): ")
        .contains("more characters cut]")
        .hasSizeLessThan(AwsFailures.MAX_AWS_MESSAGE + 200);
    assertThat(f.getStackTrace()).allMatch(frame -> frame.getClassName().startsWith("io.labflow."));
    assertThat(f.getDetails().get(AwsErrorInfo.class))
        .isEqualTo(new AwsErrorInfo("CloudFormation", null, "ValidationError", 400, "8f2c-req"));
    // As the worker sends it: the sentence, no stack trace.
    Failure proto = RejectionFailureConverter.dataConverter().exceptionToFailure(f);
    assertThat(proto.getStackTrace()).isEmpty();
    assertThat(proto.hasCause()).isFalse();
    assertThat(proto.getSerializedSize()).isLessThan(FailureSizeTest.WARN_LIMIT);
  }

  @Test
  void aWaiterErrorIsMappedByTheServiceErrorItWraps() {
    SdkClientException waiter =
        SdkClientException.builder()
            .message("An exception was thrown and did not match any waiter acceptors")
            .cause(error("Throttling", 400, "Rate exceeded"))
            .build();
    ApplicationFailure f = AwsFailures.map(waiter);
    assertThat(f.getType()).isEqualTo("Throttling");
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getCause()).isNull();
  }

  /** AWS's documented example key id, built so that secret scanners do not flag this file. */
  private static final String EXAMPLE_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE";

  @Test
  void credentialsAndSignaturesNeverReachAFailure() {
    String echoed =
        "Authorization: AWS4-HMAC-SHA256 Credential=" + EXAMPLE_KEY_ID + "/20261128/us-east-1/iam/"
            + "aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027"
            + " X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLETOKEN key ASIAXAMPLEXAMPLE1234";
    ApplicationFailure f = AwsFailures.map(error("SignatureDoesNotMatch", 403, echoed));
    assertThat(f.getOriginalMessage())
        .contains("SignatureDoesNotMatch")
        .doesNotContain(EXAMPLE_KEY_ID)
        .doesNotContain("fe5f80f77d5fa3beca038a248ff027")
        .doesNotContain("IQoJb3JpZ2luX2VjEXAMPLETOKEN")
        .doesNotContain("ASIAXAMPLEXAMPLE1234")
        .contains("Signature=***");
    assertThat(AwsFailures.nonRetryable("token sessionToken=abc123", "X").getOriginalMessage())
        .isEqualTo("token sessionToken=***");
  }

  @Test
  void everyMessageIsBounded() {
    ApplicationFailure f = AwsFailures.invalidInput("x".repeat(100_000));
    assertThat(f.getOriginalMessage()).hasSizeLessThanOrEqualTo(AwsFailures.MAX_MESSAGE);
    assertThat(f.getOriginalMessage()).endsWith("more characters cut]");
  }
}
